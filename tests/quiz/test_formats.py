"""GIFT and Moodle XML import/export, errors naming the line, round trips."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.quiz import formats
from courses.quiz.formats import FormatError, gift, moodlexml
from courses.quiz.models import Question, QuestionBank, QuestionType
from courses.quiz.services import questions_for_export, questions_import

GIFT_SAMPLE = r"""// A comment line that is ignored
$CATEGORY: $course$/top/PS/Principles

::Q-single::[html]<p>Which raw material is mined for aluminium?</p>{
    =Bauxite#Right: bauxite ore.
    ~Copper#No, copper is another metal.
    ~%-50%Coal#Coal is not an ore of aluminium.
    ####Aluminium comes from bauxite.
}

::Q-multi::Which are ASI standards?{
    ~%50%Performance Standard#yes
    ~%50%Chain of Custody Standard
    ~%-100%Copper Standard#there is none
}

::Q-tf::ASI certification is voluntary.{T#Wrong, it is voluntary.#Right.####Voluntary.}

::Q-tf-false::The Earth is flat.{FALSE}

::Q-short::[markdown]Name the **ore**.{=bauxite =%50%alu* #Partially right.}

::Q-num::How many principles has the ASI Performance Standard V3?{#11:0}

::Q-range::Pick a number between 1 and 5.{#1..5}

::Q-multi-num::When was ASI founded?{#
    =2015:0#Right.
    =%50%2015:2#Close.
}

::Q-match::Match the sector to the stage.{
    =Bauxite mining -> Extraction
    =Aluminium smelting -> Primary production
    =Casthouse -> Casting
}

::Q-essay::Describe a nonconformity you have seen \{in your own words\}.{####Look for root cause.}

::Q-escape::What does the symbol \= mean in 1 \+ 1 \= 2?{=equals sign \: equality}

Moodle costs {~lots of money =nothing ~a small amount} to download.
"""


def test_gift_parses_every_question_type_with_names_formats_weights_and_feedback():
    questions = gift.parse(GIFT_SAMPLE)
    by_name = {q.name: q for q in questions}
    single = by_name["Q-single"]
    assert single.qtype == QuestionType.SINGLE
    assert single.text_format == "html"
    assert single.category == "PS/Principles"
    assert [a.fraction for a in single.answers] == [1, 0, Decimal("-0.5")]
    assert single.answers[0].feedback == "Right: bauxite ore."
    assert single.general_feedback == "Aluminium comes from bauxite."
    assert by_name["Q-multi"].qtype == QuestionType.MULTIPLE
    assert [a.fraction for a in by_name["Q-multi"].answers] == [
        Decimal("0.5"),
        Decimal("0.5"),
        Decimal("-1"),
    ]
    tf = by_name["Q-tf"]
    assert tf.qtype == QuestionType.TRUE_FALSE
    assert [(a.text, a.fraction, a.feedback) for a in tf.answers] == [
        ("True", 1, "Right."),
        ("False", 0, "Wrong, it is voluntary."),
    ]
    assert tf.general_feedback == "Voluntary."
    assert [a.fraction for a in by_name["Q-tf-false"].answers] == [0, 1]
    short = by_name["Q-short"]
    assert short.qtype == QuestionType.SHORT_ANSWER and short.text_format == "markdown"
    assert [(a.text, a.fraction) for a in short.answers] == [
        ("bauxite", 1),
        ("alu*", Decimal("0.5")),
    ]
    assert short.answers[1].feedback == "Partially right."
    num = by_name["Q-num"]
    assert num.qtype == QuestionType.NUMERICAL
    assert (num.answers[0].text, num.answers[0].tolerance) == ("11", 0)
    rng = by_name["Q-range"].answers[0]
    assert (Decimal(rng.text), rng.tolerance) == (3, 2)
    multi_num = by_name["Q-multi-num"].answers
    assert [(a.fraction, a.tolerance, a.feedback) for a in multi_num] == [
        (1, 0, "Right."),
        (Decimal("0.5"), 2, "Close."),
    ]
    match = by_name["Q-match"]
    assert match.qtype == QuestionType.MATCHING
    assert [(a.text, a.match_text) for a in match.answers][0] == ("Bauxite mining", "Extraction")
    essay = by_name["Q-essay"]
    assert essay.qtype == QuestionType.ESSAY
    assert essay.text == "Describe a nonconformity you have seen {in your own words}."
    assert essay.general_feedback == "Look for root cause."
    assert by_name["Q-escape"].answers[0].text == "equals sign : equality"
    missing_word = questions[-1]
    assert missing_word.text == "Moodle costs _____ to download."
    assert missing_word.qtype == QuestionType.SINGLE


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("::a::Fine{T}\n\n::b::Broken {=yes ~no\n", 3),
        ("::a::Fine{T}\n\n\n\n::b::No answers here\n", 5),
        ("::a::Weights {~%50%a ~%20%b}\n", 1),  # multiple choice weights must add to 100 %
        ("::a::Number {#abc}\n", 1),
        ("::a::Match {=a -> b =c}\n", 1),
    ],
)
def test_a_bad_gift_file_names_the_line(source, line):
    with pytest.raises(FormatError) as error:
        gift.parse(source)
    assert error.value.line == line
    assert f"line {line}" in str(error.value)


def _snapshot(questions):
    return [
        (
            q.category,
            q.qtype,
            q.name,
            q.text,
            q.text_format,
            q.general_feedback,
            [
                (a.text, a.match_text, Decimal(a.fraction), Decimal(a.tolerance), a.feedback)
                for a in q.answers
            ],
        )
        for q in questions
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["gift", "moodlexml"])
def test_round_trip_import_export_import_keeps_every_question(fmt):
    first = questions_import(bank_name="First", questions=gift.parse(GIFT_SAMPLE))
    exported = formats.render(fmt, questions_for_export(bank=first.bank))
    second = questions_import(bank_name="Second", questions=formats.parse(fmt, exported))
    again = formats.render(fmt, questions_for_export(bank=second.bank))
    assert _snapshot(questions_for_export(bank=first.bank)) == _snapshot(
        questions_for_export(bank=second.bank)
    )
    assert exported == again


def test_moodle_xml_parses_the_documented_elements():
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Exam pool</text></category></question>
  <question type="multichoice">
    <name><text>MC</text></name>
    <questiontext format="html"><text><![CDATA[<p>Pick</p>]]></text></questiontext>
    <generalfeedback><text>General</text></generalfeedback>
    <single>false</single>
    <answer fraction="50"><text>A</text><feedback><text>fa</text></feedback></answer>
    <answer fraction="50"><text>B</text></answer>
    <answer fraction="-100"><text>C</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>SA</text></name><questiontext format="plain_text"><text>Ore?</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100"><text>Bauxite</text></answer>
  </question>
  <question type="numerical">
    <name><text>N</text></name><questiontext><text>Pi?</text></questiontext>
    <answer fraction="100"><text>3.14</text><tolerance>0.01</tolerance></answer>
  </question>
  <question type="matching">
    <name><text>M</text></name><questiontext><text>Match</text></questiontext>
    <subquestion><text>a</text><answer><text>1</text></answer></subquestion>
    <subquestion><text>b</text><answer><text>2</text></answer></subquestion>
  </question>
  <question type="truefalse">
    <name><text>TF</text></name><questiontext><text>True?</text></questiontext>
    <answer fraction="100"><text>true</text><feedback><text>yes</text></feedback></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="essay">
    <name><text>E</text></name><questiontext><text>Write.</text></questiontext>
  </question>
</quiz>"""
    questions = moodlexml.parse(xml)
    assert [q.qtype for q in questions] == [
        "multiple",
        "shortanswer",
        "numerical",
        "matching",
        "truefalse",
        "essay",
    ]
    assert questions[0].category == "Exam pool"
    assert questions[0].text == "<p>Pick</p>" and questions[0].text_format == "html"
    assert questions[0].answers[0].feedback == "fa"
    assert questions[0].answers[2].fraction == -1
    assert questions[1].case_sensitive is True and questions[1].text_format == "plain"
    assert questions[2].answers[0].tolerance == Decimal("0.01")
    assert questions[3].answers[1].match_text == "2"


def test_moodle_xml_errors_name_the_line_and_entities_are_refused():
    with pytest.raises(FormatError) as error:
        moodlexml.parse(
            '<quiz>\n<question type="cloze">\n<name><text>x</text></name>\n</question></quiz>'
        )
    assert error.value.line == 2
    with pytest.raises(FormatError) as error:
        moodlexml.parse("<quiz>\n<question>\n</quiz>")
    assert error.value.line == 3
    bomb = '<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa">]><quiz>&a;</quiz>'
    with pytest.raises(FormatError):
        moodlexml.parse(bomb)


@pytest.mark.django_db
def test_import_command_prints_the_count_and_export_command_writes_the_file(tmp_path):
    source = tmp_path / "bank.gift"
    source.write_text(GIFT_SAMPLE, encoding="utf-8")
    out = StringIO()
    call_command("import_questions", str(source), "--format", "gift", "--bank", "Demo", stdout=out)
    assert out.getvalue().strip() == "Imported 12 questions into Demo"
    assert Question.objects.filter(category__bank__name="Demo").count() == 12
    target = tmp_path / "out.xml"
    call_command(
        "export_questions",
        "--bank",
        "Demo",
        "--format",
        "moodlexml",
        "--output",
        str(target),
        stderr=StringIO(),
    )
    assert target.read_text().count('<question type="') == 12 + 1  # plus one category


@pytest.mark.django_db
def test_import_command_with_a_bad_file_fails_names_the_line_and_writes_nothing(tmp_path):
    source = tmp_path / "bad.gift"
    source.write_text("::ok::Fine {T}\n\n::bad::Broken {=yes ~no\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3"):
        call_command("import_questions", str(source), "--format", "gift", "--bank", "Nope")
    assert not QuestionBank.objects.filter(name="Nope").exists()
    assert Question.objects.count() == 0
