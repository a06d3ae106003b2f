"""The journeys' checks can fail: axe-core reports a page with known faults (through the
same Content-Security-Policy as the site's pages), and a script error fails the error
check. Pages are served by a Playwright route, so no database is needed."""

import pytest

from tests.e2e.axe import (
    TITLE_RULE,
    assert_accessible,
    assert_every_page_checked,
    assert_no_browser_errors,
    check_page,
    expect_browser_error,
    watch_errors,
)

SITE = "http://checks.test"
CSP = "default-src 'self'; script-src 'self' 'nonce-abc'; style-src 'self' 'nonce-abc'"

FAULTY = """<!doctype html><html><head><title>Faulty</title></head><body>
<main><h1>Faulty page</h1>
<img src="/logo.png">
<form><input type="text" name="q"><button type="submit"></button></form>
</main></body></html>"""

SOUND = """<!doctype html><html lang="en"><head><title>Sound</title></head><body>
<main><h1>Sound page</h1>
<form><label for="q">Search</label><input id="q" type="text" name="q">
<button type="submit">Search</button></form>
</main></body></html>"""

UNTITLED = """<!doctype html><html lang="en"><head><title> - Wagtail</title></head><body>
<main><h1>Review application</h1></main></body></html>"""

FADING = """<!doctype html><html lang="en"><head><title>Fading</title>
<style nonce="abc">@keyframes appear { from { opacity: 0.15; } to { opacity: 1; } }
.message { color: #222; background: #fff; animation: appear 4s linear; }</style></head>
<body><main><h1>Fading</h1><p class="message">Your changes are saved.</p></main></body></html>"""

THROWS = """<!doctype html><html lang="en"><head><title>Throws</title></head><body>
<main><h1>Throws</h1><script nonce="abc">undefinedFunction();</script>
<script>console.log("inline without a nonce");</script></main></body></html>"""


@pytest.fixture
def site_page(browser):
    context = browser.new_context()
    page = context.new_page()
    pages = {
        "/faulty": FAULTY,
        "/sound": SOUND,
        "/throws": THROWS,
        "/untitled": UNTITLED,
        "/fading": FADING,
    }

    def answer(route):
        path = route.request.url.removeprefix(SITE).split("?")[0]
        if path in pages:
            route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": CSP},
                body=pages[path],
            )
        else:
            route.fulfill(status=404, content_type="text/plain", body="not here")

    page.route(f"{SITE}/**", answer)
    watch_errors(page)
    yield page
    context.close()


def test_axe_fails_a_page_with_serious_and_critical_violations_naming_rule_and_element(
    site_page,
):
    site_page.goto(f"{SITE}/faulty")
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(site_page)
    message = str(failure.value)
    for rule in ("html-has-lang", "image-alt", "label", "button-name"):
        assert rule in message
    assert 'img[src$="logo.png"]' in message or "img" in message
    assert "https://dequeuniversity.com/rules/axe/" in message


def test_axe_passes_a_sound_page_and_a_named_rule_can_be_left_out(site_page):
    site_page.goto(f"{SITE}/sound")
    assert [v for v in assert_accessible(site_page) if v.impact in ("serious", "critical")] == []

    site_page.goto(f"{SITE}/faulty")
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(site_page, ignore=("html-has-lang", "image-alt", "label"))
    assert "button-name" in str(failure.value)
    assert "image-alt" not in str(failure.value)


def test_a_script_error_and_a_script_refused_by_the_csp_fail_the_error_check(site_page):
    site_page.goto(f"{SITE}/throws")
    site_page.wait_for_load_state("load")
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_no_browser_errors(site_page)
    assert "undefinedFunction is not defined" in str(failure.value)
    assert "Content Security Policy" in str(failure.value)

    # Declared as expected: the same errors pass, once.
    site_page.reload()
    site_page.wait_for_load_state("load")
    expect_browser_error(site_page, "undefinedFunction|Content Security Policy")
    assert_no_browser_errors(site_page)


def test_a_page_loaded_and_not_checked_is_named(site_page):
    site_page.goto(f"{SITE}/sound")
    check_page(site_page)
    site_page.goto(f"{SITE}/sound?not-checked")
    site_page.goto(f"{SITE}/sound")
    check_page(site_page)
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_every_page_checked(site_page, site=SITE)
    assert f"{SITE}/sound?not-checked" in str(failure.value)
    assert str(failure.value).count(SITE) == 1


def test_a_title_that_names_only_the_site_fails_the_page_check(site_page):
    site_page.goto(f"{SITE}/untitled")
    assert_accessible(site_page)  # axe-core's document-title is content with " - Wagtail"
    with pytest.raises(pytest.fail.Exception) as failure:
        check_page(site_page)
    assert TITLE_RULE in str(failure.value) and "'- Wagtail'" in str(failure.value)
    check_page(site_page, ignore=(TITLE_RULE,))


def test_colours_are_measured_once_a_fade_has_ended(site_page):
    site_page.goto(f"{SITE}/fading")
    assert site_page.evaluate("document.getAnimations().length") == 1  # still fading in
    assert [v.id for v in assert_accessible(site_page)] == []
