"""A learner takes a timed quiz with the keyboard: answers are saved as given, a question
is flagged, the review page lists it, and the result page shows the score."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import steps
from tests.e2e.axe import assert_every_page_checked, check_page, watch_errors
from tests.e2e.conftest import screenshot
from tests.factories import UserFactory
from tests.quiz.factories import quiz_with, single_choice

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, user):
    steps.sign_in(page, user.email)
    check_page(page)


def test_a_learner_takes_a_timed_quiz_with_the_keyboard(page, live_server):
    learner = UserFactory(full_name="Kim Keyboard")
    quiz = quiz_with(
        single_choice(text="Which ore is aluminium made from?"),
        single_choice(text="Which ore again, for luck?"),
        title="Practice: the aluminium value chain",
        time_limit_minutes=20,
        questions_per_page=1,
        pass_mark=50,
    )
    watch_errors(page)
    sign_in(page, learner)
    page.goto(quiz.get_absolute_url())
    check_page(page)
    screenshot(page, "quiz-intro")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Start the attempt").click()
    expect(page.locator("#quiz-timer")).to_contain_text(re.compile(r"\d+:\d\d"))
    check_page(page)

    choice = page.get_by_label("Bauxite")
    choice.focus()
    page.keyboard.press("Space")
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_role("button", name="Flag for review").press("Enter")
    expect(page.get_by_role("button", name="Flagged for review")).to_have_attribute(
        "aria-pressed", "true"
    )
    check_page(page)
    screenshot(page, "quiz-attempt-question")

    page.reload()  # leaving and coming back keeps the answer (it was saved by the server)
    expect(page.get_by_label("Bauxite")).to_be_checked()
    check_page(page)
    page.get_by_role("button", name="Next page").press("Enter")
    page.get_by_label("Copper").wait_for()
    check_page(page)
    page.get_by_label("Copper").focus()
    page.keyboard.press("Space")
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_role("button", name="Review and submit").press("Enter")
    expect(page.get_by_role("heading", name="Review before submitting")).to_be_visible()
    expect(page.get_by_text("Flagged", exact=False).first).to_be_visible()
    check_page(page)
    screenshot(page, "quiz-review-before-submit")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit all and finish").press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Result"))).to_be_visible()
    expect(page.locator(".quiz-score")).to_contain_text("50 %")
    expect(page.get_by_text("Passed", exact=True)).to_be_visible()
    check_page(page)
    screenshot(page, "quiz-result")
    assert_every_page_checked(page, site=live_server.url)


def secretariat_member():
    """Transactional tests flush the role groups made by data migrations: make them again
    with the permissions those migrations grant, then a secretariat member with TOTP."""
    from importlib import import_module

    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group, Permission

    from lms import roles
    from tests.conftest import TEST_TOTP_SECRET
    from tests.factories import SecretariatFactory

    for name in roles.ALL:
        Group.objects.get_or_create(name=name)
    granted = import_module("courses.quiz.migrations.0003_secretariat_permissions").PERMISSIONS
    codenames = [f"{action}_{model}" for model, actions in granted.items() for action in actions]
    Group.objects.get(name=roles.SECRETARIAT).permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="quiz", codename__in=codenames),
    )
    staff = SecretariatFactory()
    TOTP.activate(staff, TEST_TOTP_SECRET)
    return staff


def test_staff_import_a_gift_file_with_a_preview_and_mark_an_essay(page, live_server):
    from django.conf import settings
    from django.test import Client

    from courses.quiz import services
    from tests.conftest import login_with_mfa
    from tests.quiz.factories import essay

    staff_user = secretariat_member()
    client = login_with_mfa(Client(), staff_user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    watch_errors(page)
    page.goto("/admin/quiz-engine/import/")
    check_page(page)
    page.get_by_label("File").set_input_files(
        files=[
            {
                "name": "sectors.gift",
                "mimeType": "text/plain",
                "buffer": (
                    b"$CATEGORY: Sectors\n\n::Smelting::Where is alumina turned into metal?"
                    b"{=Aluminium smelting ~Casthouse ~Bauxite mining}\n\n"
                    b"::Essay::Describe a casthouse.{}\n"
                ),
            }
        ]
    )
    page.get_by_label("Question bank").fill("Sector questions")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("2 questions will be imported")).to_be_visible()
    check_page(page)
    screenshot(page, "quiz-admin-import-preview")
    page.get_by_role("button", name="Import these questions").click()
    expect(page.get_by_text("Imported 2 questions into Sector questions")).to_be_visible()
    check_page(page)

    learner = UserFactory()
    attempt = services.attempt_start(user=learner, quiz=quiz_with(essay(), title="Essay quiz"))
    services.attempt_save_answer(
        attempt=attempt, position=0, answer={"text": "A casthouse casts ingots."}, version=0
    )
    services.attempt_submit(attempt=attempt)
    page.goto("/admin/quiz-engine/marking/")
    check_page(page)
    screenshot(page, "quiz-admin-marking-queue")
    page.get_by_role("link", name="Mark", exact=True).click()
    page.get_by_label("Mark", exact=True).wait_for()
    check_page(page)
    page.get_by_label("Mark", exact=True).fill("1")
    page.get_by_label("Feedback to the learner").fill("Clear and correct.")
    screenshot(page, "quiz-admin-mark-essay")
    page.get_by_role("button", name="Save the mark").click()
    expect(page.get_by_text("No essays are waiting to be marked.")).to_be_visible()
    check_page(page)
    assert_every_page_checked(page, site=live_server.url)
    attempt.refresh_from_db()
    assert attempt.percent == 100
