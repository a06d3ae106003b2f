"""Browser journeys through the content site: recordings for the public, a module for a member."""

import pytest

from tests.e2e.conftest import screenshot

# serialized_rollback: the home page and role groups come from data migrations.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo_site(transactional_db):
    from cms import demo
    from lms import demo as lms_demo

    lms_demo.seed()
    demo.seed()


def test_visitor_browses_recordings_jumps_to_a_chapter_and_meets_the_members_page(page, demo_site):
    page.goto("/recordings/")
    assert page.locator("h1").count() == 1
    page.get_by_role("heading", name="Upcoming live sessions").wait_for()
    screenshot(page, "cms-recordings-index")

    page.get_by_label("Topic").select_option(label="Environment")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="45 minutes on … bauxite residue management").click()
    page.get_by_role("heading", name="Chapters").wait_for()
    page.wait_for_function(
        "document.querySelector('#recording-player').readyState >= 1", timeout=10_000
    )
    page.get_by_role("button", name="0:10 A member's experience").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#recording-player').currentTime >= 9")
    screenshot(page, "cms-recording-page")

    page.goto("/recordings/mass-balance/")
    page.get_by_role("heading", name="This content is for members").wait_for()
    assert page.get_by_role("link", name="Sign in").count() >= 1
    screenshot(page, "cms-members-only")


def test_member_signs_in_and_marks_a_module_complete(page, demo_site):
    page.goto("/learning/chain-of-custody-in-practice/")
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("member@example.org")
    page.get_by_label("Password").fill("demo-member-2026")
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("heading", name="Chain of Custody in practice", level=1).wait_for()
    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_text("You have completed this module.").wait_for()
    screenshot(page, "cms-module-complete")

    page.goto("/learning/")
    card = page.locator("article", has_text="Chain of Custody in practice")
    assert card.get_by_text("Completed").is_visible()
    screenshot(page, "cms-learning-index")
