"""Exams in the candidate's language (issue 15, item 4): translations that share one item
identity, the language chosen at the start, languages offered only when fully translated,
files imported as translations, and the demo exam in French and Chinese."""

import datetime
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from courses.quiz import demo, formats, languages, selectors, services, statistics
from courses.quiz.exceptions import LanguageNotOffered
from courses.quiz.models import (
    Answer,
    AnswerTranslation,
    Attempt,
    QuestionTranslation,
    QuestionType,
    Quiz,
    QuizSlot,
)
from courses.quiz.presenters import question_view, review_view
from courses.quiz.services import AnswerWords, TranslationRefused
from tests.conftest import TEST_TOTP_SECRET, login_with_mfa
from tests.factories import UserFactory
from tests.quiz.factories import (
    QuestionBankFactory,
    QuestionCategoryFactory,
    QuestionFactory,
    QuizFactory,
    add_answers,
    quiz_with,
    single_choice,
    token_for,
)

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def translate(question, language="fr", text=None, answers=None, general_feedback=""):
    """Writes a full translation: ``answers`` lists (text, match text, feedback) per answer
    (default: each answer's words prefixed with the language)."""
    originals = list(question.answers.all())
    if answers is None:
        answers = [
            (
                f"{language}:{a.text}" if a.text else "",
                f"{language}:{a.match_text}" if a.match_text else "",
                f"{language}:{a.feedback}" if a.feedback else "",
            )
            for a in originals
        ]
    return services.question_translation_save(
        question=question,
        language=language,
        text=text or f"{language}:{question.text}",
        general_feedback=general_feedback,
        answers={
            a.pk: AnswerWords(text=t, match_text=m, feedback=f)
            for a, (t, m, f) in zip(originals, answers, strict=True)
        },
    )


def short_answer(**kwargs):
    question = QuestionFactory(qtype=QuestionType.SHORT_ANSWER, text="Name the process.", **kwargs)
    return add_answers(question, ("Bayer process", 1, "Right."))


def true_false(truth=True, **kwargs):
    question = QuestionFactory(qtype=QuestionType.TRUE_FALSE, text="ASI exists.", **kwargs)
    return add_answers(question, ("True", int(truth)), ("False", int(not truth)))


def french_quiz(*questions, **kwargs) -> Quiz:
    for question in questions:
        translate(question)
    quiz = quiz_with(*questions, **kwargs)
    quiz.languages = ["fr"]
    quiz.save()
    return quiz


# --- one item identity -------------------------------------------------------------------


def test_a_french_attempt_shows_french_words_and_grades_like_an_english_one(user):
    choice, text, truth = single_choice(), short_answer(), true_false()
    translate(choice)
    translate(text, answers=[("Procédé Bayer", "", "Exact.")])
    translate(truth, answers=[("", "", ""), ("", "", "")])
    quiz = quiz_with(choice, text, truth, questions_per_page=0)
    quiz.languages = ["fr"]
    quiz.save()
    other = UserFactory()

    french = services.attempt_start(user=user, quiz=quiz, now=NOW, language="fr")
    english = services.attempt_start(user=other, quiz=quiz, now=NOW)

    assert french.language == "fr" and english.language == "en"
    views = [question_view(r) for r in french.responses.order_by("position")]
    assert views[0].text.startswith("<p>fr:What is the answer")
    assert [c["text"] for c in views[0].choices] == ["fr:Bauxite", "fr:Copper", "fr:Nickel"]
    assert views[0].language == "fr"
    assert "fr:" not in "".join(question_view(r).text for r in english.responses.all())
    # The same item: the French snapshot keeps the original's identity and marks.
    snapshot = french.responses.get(position=0).snapshot
    assert snapshot["question_id"] == choice.pk and snapshot["name"] == choice.name
    assert [a["fraction"] for a in snapshot["answers"]] == ["1.0000000", "0E-7", "0E-7"]
    for attempt in (french, english):
        services.attempt_save_answer(
            attempt=attempt, position=0, answer={"choice": 0}, version=0, now=NOW
        )
        services.attempt_save_answer(
            attempt=attempt, position=2, answer={"choice": 0}, version=0, now=NOW
        )
    services.attempt_save_answer(
        attempt=french, position=1, answer={"text": "procédé bayer"}, version=0, now=NOW
    )
    services.attempt_save_answer(
        attempt=english, position=1, answer={"text": "Bayer process"}, version=0, now=NOW
    )
    french = services.attempt_submit(attempt=french, now=NOW)
    english = services.attempt_submit(attempt=english, now=NOW)
    assert french.percent == english.percent == 100


def test_a_french_short_answer_also_accepts_the_original_term_and_shows_french_review(user):
    question = short_answer()
    translate(question, answers=[("Procédé Bayer", "", "Exact.")])
    quiz = quiz_with(question, languages=["fr"])
    attempt = services.attempt_start(user=user, quiz=quiz, now=NOW, language="fr")
    services.attempt_save_answer(
        attempt=attempt, position=0, answer={"text": "Bayer process"}, version=0, now=NOW
    )
    attempt = services.attempt_submit(attempt=attempt, now=NOW)
    assert attempt.percent == 100
    view = review_view(attempt.responses.get(), selectors.review_options(attempt=attempt))
    assert view.right_answers == ["Procédé Bayer"] and view.feedback == ["Exact."]


def test_translations_pool_in_item_statistics_as_one_item(user):
    question = single_choice()
    quiz = french_quiz(question)
    for person, language, choice in ((user, "fr", 0), (UserFactory(), "en", 1)):
        attempt = services.attempt_start(user=person, quiz=quiz, now=NOW, language=language)
        services.attempt_save_answer(
            attempt=attempt, position=0, answer={"choice": choice}, version=0, now=NOW
        )
        services.attempt_submit(attempt=attempt, now=NOW)
    stats = statistics.quiz_statistics(quiz=quiz)
    assert len(stats.items) == 1
    item = stats.items[0]
    assert item.question_id == question.pk and item.name == question.name
    assert item.attempts == 2 and item.facility == Decimal("50.00")


def test_a_translated_matching_question_keeps_the_originals_options(user):
    question = QuestionFactory(qtype=QuestionType.MATCHING, text="Match.")
    for index, (prompt, match) in enumerate(
        [("Mining", "Ore"), ("Refining", "Alumina"), ("", "Scrap")]
    ):
        Answer.objects.create(question=question, sort_order=index, text=prompt, match_text=match)
    quiz = french_quiz(question)
    attempt = services.attempt_start(user=user, quiz=quiz, now=NOW, language="fr")
    response = attempt.responses.get()
    assert response.snapshot["options"] == ["fr:Ore", "fr:Alumina", "fr:Scrap"]
    assert [p["text"] for p in response.snapshot["prompts"]] == ["fr:Mining", "fr:Refining"]
    answer = {"matches": {"0": 0, "1": 1}}
    services.attempt_save_answer(attempt=attempt, position=0, answer=answer, version=0, now=NOW)
    assert services.attempt_submit(attempt=attempt, now=NOW).percent == 100


def test_a_running_attempt_keeps_the_words_it_started_with(user):
    question = single_choice()
    quiz = french_quiz(question)
    attempt = services.attempt_start(user=user, quiz=quiz, now=NOW, language="fr")
    translate(question, text="Texte corrigé après le début")
    QuestionTranslation.objects.filter(question=question).update(text="Encore modifié")
    view = question_view(attempt.responses.get())
    assert "fr:What is the answer" in view.text and "modifié" not in view.text
    later = services.attempt_start(user=UserFactory(), quiz=quiz, now=NOW, language="fr")
    assert "Encore modifié" in question_view(later.responses.get()).text


def test_another_persons_attempt_is_unaffected_by_a_french_candidate(client, user):
    question = single_choice()
    quiz = french_quiz(question)
    french = services.attempt_start(user=user, quiz=quiz, now=NOW, language="fr")
    other = UserFactory()
    english = services.attempt_start(user=other, quiz=quiz, now=NOW)
    assert english.language == "en"
    assert "fr:" not in english.responses.get().snapshot["text"]
    client.force_login(other)
    assert client.get(reverse("quiz:attempt", args=[french.pk])).status_code == 404
    page = client.get(reverse("quiz:attempt", args=[english.pk])).content.decode()
    assert "What is the answer" in page and "fr:" not in page


# --- offered only when fully translated -------------------------------------------------


def test_untranslated_items_lists_every_question_a_draw_could_include():
    category = QuestionCategoryFactory(name="Pool", is_exam_pool=True)
    sub = QuestionCategoryFactory(bank=category.bank, name="Pool/Sub", is_exam_pool=True)
    done, missing, in_sub = (single_choice(category=c) for c in (category, category, sub))
    translate(done)
    quiz = QuizFactory(is_exam=True)
    slot = QuizSlot.objects.create(quiz=quiz, category=category, draw_count=1)
    assert languages.untranslated_items(quiz=quiz, language="fr") == [missing]
    slot.include_subcategories = True
    slot.save()
    assert languages.untranslated_items(quiz=quiz, language="fr") == [missing, in_sub]
    assert languages.untranslated_items(quiz=quiz, language="en") == []


def test_a_translation_lacking_an_answer_or_feedback_is_incomplete():
    question = single_choice()
    translate(question, answers=[("fr:a", "", "fr:f"), ("fr:b", "", "fr:g"), ("fr:c", "", "")])
    assert languages.translation_gaps(question, question.translations.get()) == []
    translate(question, answers=[("fr:a", "", "fr:f"), ("", "", "fr:g"), ("fr:c", "", "")])
    assert languages.translation_gaps(question, question.translations.get()) == ["answer 2"]
    Answer.objects.create(question=question, sort_order=9, text="Zinc")
    gaps = languages.translation_gaps(question, question.translations.get())
    assert gaps == ["answer 2", "answer 4"]


def quiz_form_data(category, **extra):
    return {
        "title": "Exam",
        "slug": "exam-x",
        "description": "",
        "pass_mark": "50",
        "questions_per_page": "1",
        "attempt_delay_minutes": "0",
        "review_level": "score",
        "review_when": "immediately",
        "is_exam": "on",
        "slots-TOTAL_FORMS": "1",
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
        "slots-0-category": category.pk,
        "slots-0-draw_count": "1",
        "slots-0-ORDER": "1",
        **extra,
    }


def test_staff_cannot_offer_a_language_with_one_untranslated_possible_question(staff_client):
    pool = QuestionCategoryFactory(is_exam_pool=True)
    translated = single_choice(category=pool, name="Translated one")
    single_choice(category=pool, name="Forgotten one")
    translate(translated)
    url = reverse("wagtailsnippets_quiz_quiz:add")
    response = staff_client.post(url, quiz_form_data(pool, languages=["fr"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "French cannot be offered: 1 question(s)" in content and "Forgotten one" in content
    assert not Quiz.objects.exists()
    translate(pool.questions.get(name="Forgotten one"))
    response = staff_client.post(url, quiz_form_data(pool, languages=["fr"]))
    assert response.status_code == 302
    quiz = Quiz.objects.get()
    assert quiz.languages == ["fr"]
    edit = staff_client.get(reverse("wagtailsnippets_quiz_quiz:edit", args=[quiz.pk]))
    assert "Translation status" in edit.content.decode()


def test_attempt_start_refuses_a_language_not_offered_or_not_complete(user):
    question = single_choice()
    quiz = quiz_with(question)
    with pytest.raises(LanguageNotOffered):
        services.attempt_start(user=user, quiz=quiz, now=NOW, language="fr")
    with pytest.raises(LanguageNotOffered):
        services.attempt_start(user=user, quiz=quiz, now=NOW, language="xx")
    quiz.languages = ["fr"]  # saved past the form: the service still checks
    quiz.save()
    with pytest.raises(LanguageNotOffered):
        services.attempt_start(user=user, quiz=quiz, now=NOW, language="fr")
    assert not Attempt.objects.exists()
    assert languages.offered_languages(quiz=quiz) == ["en"]


def test_the_quiz_page_offers_the_languages_and_the_start_uses_the_choice(client, user):
    quiz = french_quiz(single_choice())
    user.preferred_language = "fr"
    user.save()
    client.force_login(user)
    page = client.get(quiz.get_absolute_url()).content.decode()
    assert 'name="language" value="fr" checked' in page and 'value="en"' in page
    response = client.post(reverse("quiz:start", args=[quiz.slug]), {"language": "fr"})
    attempt = Attempt.objects.get(user=user)
    assert response.url == reverse("quiz:attempt", args=[attempt.pk])
    assert attempt.language == "fr"
    page = client.get(response.url).content.decode()
    assert 'lang="fr"' in page and "fr:Bauxite" in page
    token = token_for(attempt.responses.get(), 0)
    client.post(reverse("quiz:attempt", args=[attempt.pk]), {"page": "0", "q0-choice": token})


def test_a_quiz_in_one_language_shows_no_choice(client, user):
    quiz = quiz_with(single_choice())
    client.force_login(user)
    assert 'name="language"' not in client.get(quiz.get_absolute_url()).content.decode()


# --- import as a translation -------------------------------------------------------------

ORIGINAL_GIFT = """$CATEGORY: Exam/Standards

::One::Pick the ore {=Bauxite ~Copper}

::Two::Say the process {=Bayer process#Right.}

::Three::ASI exists.{T}
"""
FRENCH_GIFT = """$CATEGORY: Examen/Normes

::Un::Choisissez le minerai {=Bauxite ~Cuivre}

::Deux::Nommez le procédé {=Procédé Bayer#Exact.}

::Trois::L'ASI existe.{T}
"""


def import_original():
    services.questions_import(bank_name="Exam bank", questions=formats.parse("gift", ORIGINAL_GIFT))
    return QuestionBankFactory(name="Exam bank")


def test_a_file_imported_as_a_translation_is_matched_in_order():
    bank = import_original()
    result = services.questions_import_translation(
        bank=bank, language="fr", questions=formats.parse("gift", FRENCH_GIFT), source="fr.gift"
    )
    assert result.translated == 3
    one, two, three = bank.categories.get().questions.order_by("pk")
    assert one.translations.get(language="fr").text == "Choisissez le minerai"
    assert [a.text for a in AnswerTranslation.objects.filter(translation__question=one)] == [
        "Bauxite",
        "Cuivre",
    ]
    assert two.translations.get().answers.get().feedback == "Exact."
    assert [a.text for a in three.translations.get().answers.all()] == ["", ""]
    assert all(not languages.translation_gaps(q, q.translations.get()) for q in (one, two, three))
    entry = selectors.log_entries(action="quiz.bank.translation_imported").get()
    assert entry.data["language"] == "fr" and entry.data["count"] == 3


@pytest.mark.parametrize(
    ("french", "message"),
    [
        (
            FRENCH_GIFT.split("::Trois")[0],
            "The file has 2 questions but the bank or category has 3",
        ),
        (
            FRENCH_GIFT.replace("{=Procédé Bayer#Exact.}", "{#4}"),
            "Question 2 of the file (“Deux”) is of type Numerical, but question 2 of the bank "
            "(“Two”) is of type Short answer.",
        ),
        (
            FRENCH_GIFT.replace("~Cuivre}", "~Cuivre ~Nickel}"),
            "Question 1 of the file (“Un”) has 3 answers, but question 1 of the bank (“One”) "
            "has 2.",
        ),
    ],
)
def test_a_file_that_does_not_match_names_the_first_mismatch_and_writes_nothing(french, message):
    bank = import_original()
    with pytest.raises(TranslationRefused) as refusal:
        services.questions_import_translation(
            bank=bank, language="fr", questions=formats.parse("gift", french)
        )
    assert message in refusal.value.message
    assert not QuestionTranslation.objects.exists()


def test_the_import_screen_previews_and_stores_a_translation(staff_client, staff_user):
    import_original()
    url = reverse("quiz_admin:import")
    upload = SimpleUploadedFile("fr.gift", FRENCH_GIFT.encode(), content_type="text/plain")
    preview = staff_client.post(
        url,
        {"file": upload, "format": "gift", "bank": "Exam bank", "translation_language": "fr"},
    )
    content = preview.content.decode()
    assert "3 questions will be stored as the French translation" in content
    assert "Choisissez le minerai" in content and not QuestionTranslation.objects.exists()
    done = staff_client.post(url, {"confirm": "1"}, follow=True)
    assert "Stored 3 translations into French" in done.content.decode()
    assert QuestionTranslation.objects.filter(language="fr").count() == 3
    entry = selectors.log_entries(action="quiz.bank.translation_imported").get()
    assert entry.user == staff_user


def test_the_import_screen_refuses_a_mismatching_translation(staff_client):
    import_original()
    upload = SimpleUploadedFile("fr.gift", FRENCH_GIFT.replace("{T}", "{#1}").encode())
    response = staff_client.post(
        reverse("quiz_admin:import"),
        {"file": upload, "format": "gift", "bank": "Exam bank", "translation_language": "fr"},
    )
    assert "Question 3 of the file (“Trois”) is of type Numerical" in response.content.decode()
    assert not QuestionTranslation.objects.exists()


def test_the_import_command_stores_a_translation_of_one_category(tmp_path):
    import_original()
    path = tmp_path / "fr.gift"
    path.write_text(FRENCH_GIFT, encoding="utf-8")
    call_command(
        "import_questions",
        str(path),
        format="gift",
        bank="Exam bank",
        translation="fr",
        category="Exam",
    )
    assert QuestionTranslation.objects.filter(language="fr").count() == 3


# --- staff screens and who may use them ------------------------------------------------


def test_staff_translate_a_question_from_its_admin_page(staff_client, staff_user):
    question = single_choice()
    edit = staff_client.get(reverse("wagtailsnippets_quiz_question:edit", args=[question.pk]))
    assert "Not translated" in edit.content.decode()
    url = reverse("quiz_admin:translation_edit", args=[question.pk, "fr"])
    page = staff_client.get(url).content.decode()
    assert "Original: Bauxite" in page
    answers = list(question.answers.all())
    data = {"text": "Quel minerai ?", "general_feedback": ""}
    for answer, word in zip(answers, ("Bauxite", "Cuivre", "Nickel"), strict=True):
        data[f"answer-{answer.pk}-text"] = word
    data[f"answer-{answers[0].pk}-feedback"] = "Exact."
    response = staff_client.post(url, data, follow=True)
    assert "Translation saved, but still incomplete (answer 2)" in response.content.decode()
    data[f"answer-{answers[1].pk}-feedback"] = "Non."
    staff_client.post(url, data)
    translation = question.translations.get(language="fr")
    assert languages.translation_gaps(question, translation) == []
    entry = selectors.log_entries(action="quiz.question.translated").last()
    assert entry.user == staff_user
    delete_url = reverse("quiz_admin:translation_delete", args=[question.pk, "fr"])
    assert "Delete the French translation" in staff_client.get(delete_url).content.decode()
    assert QuestionTranslation.objects.exists()
    staff_client.post(delete_url)
    assert not QuestionTranslation.objects.exists()


def test_learners_and_staff_without_the_right_cannot_translate(member_client, client):
    question = single_choice()
    url = reverse("quiz_admin:translation_edit", args=[question.pk, "fr"])
    data = {"text": "Piraté"}
    assert member_client.post(url, data).status_code in (302, 403)
    viewer = UserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    TOTP.activate(viewer, TEST_TOTP_SECRET)
    login_with_mfa(client, viewer)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200  # in the admin
    assert client.post(url, data).status_code in (302, 403)
    delete_url = reverse("quiz_admin:translation_delete", args=[question.pk, "fr"])
    assert client.post(delete_url).status_code in (302, 403)
    assert not QuestionTranslation.objects.exists()


def test_a_translation_into_an_unknown_language_or_with_a_foreign_answer_is_refused(
    staff_client,
):
    question, stranger = single_choice(), single_choice()
    assert (
        staff_client.get(
            reverse("quiz_admin:translation_edit", args=[question.pk, "en"])
        ).status_code
        == 404
    )
    foreign = stranger.answers.first()
    with pytest.raises(TranslationRefused):
        services.question_translation_save(
            question=question, language="fr", text="x", answers={foreign.pk: AnswerWords("y")}
        )
    with pytest.raises(TranslationRefused):
        services.question_translation_save(question=question, language="xx", text="x", answers={})


# --- the demo exam --------------------------------------------------------------------------


def test_the_demo_exam_is_offered_in_french_and_chinese_and_seeding_twice_changes_nothing(user):
    exam = demo.seed()["exam"]
    counts = (QuestionTranslation.objects.count(), AnswerTranslation.objects.count())
    demo.seed()
    exam.refresh_from_db()
    assert (QuestionTranslation.objects.count(), AnswerTranslation.objects.count()) == counts
    assert counts[0] == 20  # ten exam questions, two languages
    assert languages.offered_languages(quiz=exam) == ["en", "fr", "zh-hans"]
    attempt = services.attempt_start(user=user, quiz=exam, language="zh-hans")
    texts = [r.snapshot["text"] for r in attempt.responses.all()]
    assert len(texts) == 8 and all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts)
    labels = [
        a["text"]
        for r in attempt.responses.all()
        if r.qtype == QuestionType.TRUE_FALSE
        for a in r.snapshot["answers"]
    ]
    assert labels in ([], ["正确", "错误"])


def test_the_translation_form_asks_for_each_answers_words_but_not_for_numbers(staff_client):
    matching = QuestionFactory(qtype=QuestionType.MATCHING, text="Match.")
    Answer.objects.create(question=matching, sort_order=0, text="Mining", match_text="Ore")
    number = add_answers(QuestionFactory(qtype=QuestionType.NUMERICAL), ("660", 1, "Right."))
    page = staff_client.get(reverse("quiz_admin:translation_edit", args=[matching.pk, "zh-hans"]))
    content = page.content.decode()
    assert "Answer 1: text" in content and "Answer 1: matching answer" in content
    assert "Original: Ore" in content
    page = staff_client.get(reverse("quiz_admin:translation_edit", args=[number.pk, "fr"]))
    content = page.content.decode()
    assert "Answer 1: feedback" in content and "Answer 1: text" not in content
