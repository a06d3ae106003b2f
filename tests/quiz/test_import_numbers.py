"""Issue 10, item 6 (question import): a non-finite or absurd number in GIFT or Moodle XML
is a clear import error naming the line, never a server error or a stored NaN."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from courses.quiz.formats import FormatError, gift, moodlexml
from courses.quiz.models import Answer, Question, QuestionBank
from tests.quiz.factories import QuestionCategoryFactory

ABSURD = ["NaN", "nan", "sNaN", "Infinity", "-inf", "1e999999999", "-1E+999999999", "1e-999999999"]


def xml_question(answer='<answer fraction="100"><text>3</text></answer>', grade="1"):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        '<question type="numerical">\n'
        "<name><text>N</text></name><questiontext><text>How many?</text></questiontext>\n"
        f"<defaultgrade>{grade}</defaultgrade>\n"
        f"{answer}\n"
        "</question>\n</quiz>"
    )


def multichoice(fraction):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        '<question type="multichoice">\n'
        "<name><text>MC</text></name><questiontext><text>Pick</text></questiontext>\n"
        "<single>true</single>\n"
        '<answer fraction="100"><text>A</text></answer>\n'
        f'<answer fraction="{fraction}"><text>B</text></answer>\n'
        "</question>\n</quiz>"
    )


@pytest.mark.parametrize("value", ABSURD)
def test_a_moodle_xml_fraction_that_is_not_a_finite_percentage_is_an_import_error(value):
    with pytest.raises(FormatError) as error:
        moodlexml.parse(multichoice(value))
    assert error.value.line == 7


@pytest.mark.parametrize(
    "xml",
    [
        *[xml_question(grade=value) for value in [*ABSURD, "-1", "100000"]],
        *[
            xml_question(f'<answer fraction="100"><text>{value}</text></answer>')
            for value in ABSURD
        ],
        *[
            xml_question(
                f'<answer fraction="100"><text>3</text><tolerance>{value}</tolerance></answer>'
            )
            for value in [*ABSURD, "1e20"]
        ],
    ],
)
def test_moodle_xml_numbers_that_cannot_be_stored_or_graded_are_import_errors(xml):
    with pytest.raises(FormatError) as error:
        moodlexml.parse(xml)
    assert error.value.line in (3, 6)
    assert "number" in error.value.message or "tolerance" in error.value.message


@pytest.mark.parametrize(
    "block",
    [
        "{#NaN}",
        "{#inf}",
        "{#1e999999999}",
        "{#1e-999999999}",
        "{#5:NaN}",
        "{#5:1e999999999}",
        "{#5:1e20}",
        "{#1..1e999999999}",
        "{#-1e99..1e99}",  # a tolerance of 1e99 does not fit the bank
        "{#=%50%NaN =3}",
    ],
)
def test_a_gift_numerical_answer_that_is_not_a_usable_number_is_an_import_error(block):
    with pytest.raises(FormatError) as error:
        gift.parse(f"// comment\n::N::How many? {block}\n")
    assert error.value.line == 2


def test_ordinary_large_and_small_numbers_still_import():
    (question,) = gift.parse("::N::Avogadro? {#6.022e23:1e13}\n")
    assert question.answers[0].text == "6.022E+23"
    (question,) = moodlexml.parse(
        xml_question('<answer fraction="100"><text>6.6e-34</text><tolerance>0</tolerance></answer>')
    )
    assert question.answers[0].text == "6.6E-34"


@pytest.mark.django_db
def test_the_import_page_answers_a_nan_fraction_with_an_error_and_stores_nothing(staff_client):
    upload = SimpleUploadedFile("nan.xml", multichoice("NaN").encode())
    response = staff_client.post(
        reverse("quiz_admin:import"), {"file": upload, "format": "moodlexml", "bank": "NaN bank"}
    )
    assert response.status_code == 200
    assert "line 7: “NaN” is not a valid fraction." in response.content.decode()
    assert not QuestionBank.objects.filter(name="NaN bank").exists()
    assert Answer.objects.count() == 0


@pytest.mark.django_db
def test_the_import_command_refuses_an_infinite_tolerance_and_stores_nothing(tmp_path):
    source = tmp_path / "inf.xml"
    source.write_text(
        xml_question(
            '<answer fraction="100"><text>3</text><tolerance>Infinity</tolerance></answer>'
        )
    )
    with pytest.raises(CommandError, match="line 6"):
        call_command("import_questions", str(source), "--format", "moodlexml", "--bank", "Inf")
    assert Question.objects.count() == 0


@pytest.mark.django_db
def test_the_question_editor_refuses_a_numerical_value_that_is_not_a_usable_number(staff_client):
    category = QuestionCategoryFactory()
    data = {
        "category": category.pk,
        "qtype": "numerical",
        "name": "Melting point",
        "text": "At what temperature?",
        "text_format": "plain",
        "default_mark": "1",
        "general_feedback": "",
        "answers-TOTAL_FORMS": "1",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "1000",
        "answers-0-text": "1e999999999",
        "answers-0-fraction": "1",
        "answers-0-tolerance": "0",
        "answers-0-ORDER": "1",
    }
    url = reverse("wagtailsnippets_quiz_question:add")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "is not a number, or is too large or too small" in response.content.decode()
    data["answers-0-text"] = "660"
    assert staff_client.post(url, data).status_code == 302
    assert Question.objects.get(name="Melting point").answers.get().text == "660"
