"""The demo's Chain of Custody module checks Chain of Custody knowledge with its own quiz
(not the Performance Standard practice quiz), and seeding stays idempotent."""

import pytest

from cms import demo as cms_demo
from cms.models import LearningModulePage
from courses.quiz import demo, services
from courses.quiz.models import Quiz
from lms import demo as lms_demo

pytestmark = pytest.mark.django_db


def _knowledge_check_quizzes(module) -> list[int]:
    return [b["value"]["quiz"] for b in module.body.raw_data if b["type"] == "knowledge_check"]


def test_the_coc_quiz_asks_only_chain_of_custody_questions_and_seeding_twice_changes_nothing(
    user,
):
    first = demo.seed()
    demo.seed()
    coc = first["coc"]

    assert Quiz.objects.filter(slug=demo.COC_SLUG).count() == 1
    assert not coc.is_exam and coc.slots.count() == 6
    assert {s.question.category.name for s in coc.slots.all()} == {demo.COC_CATEGORY}
    attempt = services.attempt_start(user=user, quiz=coc)
    assert attempt.responses.count() == 6


def test_the_chain_of_custody_module_uses_the_coc_quiz_and_others_the_practice_quiz():
    lms_demo.seed()
    quizzes = demo.seed()
    cms_demo.seed()

    coc_module = LearningModulePage.objects.get(slug="chain-of-custody-in-practice")
    ps_module = LearningModulePage.objects.get(slug="performance-standard-essentials")
    assert _knowledge_check_quizzes(coc_module) == [quizzes["coc"].pk]
    assert _knowledge_check_quizzes(ps_module) == [quizzes["practice"].pk]


def test_reseeding_a_demo_made_before_the_coc_quiz_repairs_the_module_once():
    lms_demo.seed()
    quizzes = demo.seed()
    cms_demo.seed()
    module = LearningModulePage.objects.get(slug="chain-of-custody-in-practice")
    raw = list(module.body.raw_data)
    for block in raw:
        if block["type"] == "knowledge_check":
            block["value"]["quiz"] = quizzes["practice"].pk  # as the old demo had it
    module.body = raw
    module.save_revision().publish()

    cms_demo.seed()
    module.refresh_from_db()
    revisions = module.revisions.count()
    cms_demo.seed()

    assert _knowledge_check_quizzes(module) == [quizzes["coc"].pk]
    assert module.revisions.count() == revisions
