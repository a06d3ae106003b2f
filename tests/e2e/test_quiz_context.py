"""A learner opens a module's knowledge check, takes the quiz and finds the way back: every
quiz page links to the module; after the attempt the quiz page says when the next attempt
may start, with the start button disabled (no "clock starts now" question)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import steps
from tests.e2e.axe import assert_every_page_checked, check_page, watch_errors
from tests.e2e.conftest import screenshot
from tests.factories import UserFactory
from tests.quiz.factories import quiz_with, single_choice

# serialized_rollback: the home page comes from a data migration.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def module_with_quiz(transactional_db):
    from cms.models import HomePage, LearningModuleIndexPage
    from tests.cms.factories import add_page, make_module

    quiz = quiz_with(
        single_choice(text="Which ore is **aluminium** made from?", text_format="moodle"),
        title="Chain of Custody knowledge check",
        attempt_delay_minutes=24 * 60,
        max_attempts=3,
        pass_mark=50,
    )
    index = add_page(
        HomePage.objects.get(), LearningModuleIndexPage(title="Learning modules", slug="learning")
    )
    body = [{"type": "knowledge_check", "value": {"quiz": quiz.pk, "intro": ""}}]
    module = make_module(index, title="Chain of Custody in practice", body=body)
    return module, quiz


def test_a_knowledge_check_keeps_the_learner_in_the_module(page, live_server, module_with_quiz):
    module, quiz = module_with_quiz
    learner = UserFactory(full_name="Carla Context")
    back = page.get_by_role("link", name="Back to Chain of Custody in practice")
    watch_errors(page)
    steps.sign_in(page, learner.email)
    check_page(page)

    page.goto(module.url)
    check_page(page)
    page.get_by_role("link", name="Start the quiz").click()
    expect(page.get_by_role("heading", name="Chain of Custody knowledge check")).to_be_visible()
    expect(back.first).to_be_visible()
    expect(page.get_by_text("You may take this quiz 3 times. 0 used, 3 left.")).to_be_visible()
    check_page(page)

    page.get_by_role("button", name="Start the attempt").click()
    expect(page.locator(".quiz-question-text strong")).to_have_text("aluminium")
    expect(back.first).to_be_visible()
    page.get_by_label("Bauxite").check()
    expect(page.get_by_text("Saved.")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_role("heading", name="Review before submitting")).to_be_visible()
    check_page(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit all and finish").click()

    expect(page.get_by_role("heading", name=re.compile("Result"))).to_be_visible()
    expect(back.first).to_be_visible()
    check_page(page)
    screenshot(page, "quiz-context-result")

    page.get_by_role("link", name="Back to the quiz").click()
    expect(page.get_by_text(re.compile("You can start again on .* at "))).to_be_visible()
    expect(page.get_by_role("button", name="Start a new attempt")).to_be_disabled()
    check_page(page)
    screenshot(page, "quiz-context-wait")

    back.first.click()
    expect(
        page.get_by_role("heading", name="Chain of Custody in practice", level=1)
    ).to_be_visible()
    check_page(page)
    assert_every_page_checked(page, site=live_server.url)
