"""Browser journeys through the content site, axe-core on every page: recordings for the
public; a member through members-only modules and recordings."""

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_every_page_checked, check_page, expect_browser_error, watch_errors
from tests.e2e.conftest import screenshot

# serialized_rollback: the home page and role groups come from data migrations.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo_site(transactional_db):
    from cms import demo
    from lms import demo as lms_demo

    lms_demo.seed()
    demo.seed()


def test_visitor_browses_recordings_jumps_to_a_chapter_and_meets_the_members_page(
    page, demo_site, live_server
):
    watch_errors(page)
    page.goto("/recordings/")
    assert page.locator("h1").count() == 1
    page.get_by_role("heading", name="Upcoming live sessions").wait_for()
    check_page(page)
    screenshot(page, "cms-recordings-index")

    page.get_by_label("Topic").select_option(label="Environment")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="45 minutes on … bauxite residue management").wait_for()
    check_page(page)
    page.get_by_role("link", name="45 minutes on … bauxite residue management").click()
    page.get_by_role("heading", name="Chapters").wait_for()
    page.wait_for_function(
        "() => document.querySelector('#recording-player').readyState >= 1", timeout=10_000
    )
    check_page(page)
    page.get_by_role("button", name="0:10 A member's experience").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#recording-player').currentTime >= 9")
    screenshot(page, "cms-recording-page")

    page.goto("/recordings/mass-balance/")
    page.get_by_role("heading", name="This content is for members").wait_for()
    assert page.get_by_role("link", name="Sign in").count() >= 1
    _check_members_only_page(page)
    screenshot(page, "cms-members-only")
    assert_every_page_checked(page, site=live_server.url)


def _check_members_only_page(page):
    """The members-only page answers 403, which the browser's console reports."""
    expect_browser_error(page, r"status of 403 \(Forbidden\)")
    check_page(page)


def test_member_signs_in_completes_members_only_modules_and_watches_a_members_recording(
    page, demo_site, live_server
):
    watch_errors(page)
    page.goto("/learning/chain-of-custody-in-practice/")
    page.get_by_role("heading", name="This content is for members").wait_for()
    _check_members_only_page(page)
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").wait_for()
    check_page(page)
    page.get_by_label("Email").fill("member@example.org")
    page.get_by_label("Password").fill("demo-member-2026")
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("heading", name="Chain of Custody in practice", level=1).wait_for()
    check_page(page)
    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_text("You have completed this module.").wait_for()
    check_page(page)
    screenshot(page, "cms-module-complete")

    page.goto("/learning/")
    card = page.locator("article", has_text="Chain of Custody in practice")
    assert card.get_by_text("Completed").is_visible()
    check_page(page)
    screenshot(page, "cms-learning-index")

    # The other members-only module, from the index.
    page.get_by_role("link", name="Due diligence for responsible sourcing").click()
    page.get_by_role("heading", name="Due diligence for responsible sourcing", level=1).wait_for()
    check_page(page)
    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_text("You have completed this module.").wait_for()
    check_page(page)

    # A members-only recording: the member sees it and its video plays.
    page.goto("/recordings/")
    page.get_by_role("heading", name="Upcoming live sessions").wait_for()
    check_page(page)
    page.get_by_role("link", name="45 minutes on … mass balance under the Chain of Custody").click()
    page.get_by_role("heading", name="Chapters").wait_for()
    page.wait_for_function(
        "() => document.querySelector('#recording-player').readyState >= 1", timeout=10_000
    )
    check_page(page)
    page.get_by_role("button", name="0:05 The requirement in brief").click()
    page.wait_for_function("() => document.querySelector('#recording-player').currentTime >= 4")
    screenshot(page, "cms-members-recording")

    page.goto("/dashboard/")
    expect(page.get_by_text("Due diligence for responsible sourcing").first).to_be_visible()
    check_page(page)
    screenshot(page, "cms-member-dashboard")
    assert_every_page_checked(page, site=live_server.url)
