"""Accessibility and browser-error checks for the journeys: axe-core on a page, and the
page's JavaScript errors.

axe-core is vendored (``tests/e2e/vendor/axe.min.js``, MPL-2.0, version in its first line):
nothing is fetched while the tests run. It is evaluated through the DevTools protocol
rather than added as a ``<script>`` tag: the site's nonce-based Content-Security-Policy
rightly refuses an inline script without its nonce (``page.add_script_tag`` fails there).

Typical use in a journey::

    watch_errors(page)                  # once, right after the page is made
    page.goto("/auditors/")
    check_page(page)                    # axe (serious, critical) and no JavaScript errors

Every page checked is appended to ``test-artifacts/axe-pages.jsonl`` (address, title and
the count of violations by impact, minor and moderate included) for a person to read.
"""

from __future__ import annotations

import json
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE_SOURCE = VENDOR / "axe.min.js"
AXE_VERSION = re.match(r"/\*! axe v(\S+)", AXE_SOURCE.read_text(encoding="utf-8")).group(1)
REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "axe-pages.jsonl"
REPORT.unlink(missing_ok=True)  # one report per test session (this module loads once)

# Violations at these impacts fail the test; minor and moderate ones are only reported.
BLOCKING_IMPACTS = ("serious", "critical")

# The WCAG 2.x A and AA rules plus axe's best practices (landmarks, one main, headings).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

_RUN = """async (options) => {
    const results = await window.axe.run(document, options);
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({target: n.target.map(String).join(" "), html: n.html})),
    }));
}"""


@dataclass
class Violation:
    id: str
    impact: str
    help: str
    help_url: str
    nodes: list[dict] = field(default_factory=list)

    def describe(self) -> str:
        targets = "\n".join(
            f"      {node['target']}  {node['html'][:160]}" for node in self.nodes[:8]
        )
        more = f"\n      ... and {len(self.nodes) - 8} more" if len(self.nodes) > 8 else ""
        return f"  [{self.impact}] {self.id}: {self.help} ({self.help_url})\n{targets}{more}"


# Finite CSS transitions and animations (a message fading in) end before axe-core looks:
# colours measured halfway through a fade are not the page's colours. They are brought to
# their end at once rather than waited for: the Wagtail admin's badge pings for 25 seconds
# (five rounds of five), and waiting cost ten seconds on every admin page. Finishing runs the
# same end events and leaves the same end state; what those events start is finished in
# the next round. Infinite animations (a spinner) are left running, as before.
_SETTLE = """async () => {
    const nextFrame = () => new Promise((resolve) => {
        requestAnimationFrame(() => resolve());
        setTimeout(resolve, 100);
    });
    for (let round = 0; round < 5; round++) {
        const finite = document.getAnimations().filter(
            (a) => a.effect && a.playState !== "finished"
                && Number.isFinite(a.effect.getComputedTiming().endTime));
        if (!finite.length) return;
        for (const animation of finite) {
            try { animation.finish(); } catch (error) { /* a zero playback rate: left */ }
        }
        await nextFrame();
    }
}"""


def axe_violations(page) -> list[Violation]:
    """Runs axe-core on the page as it is now, once its transitions have ended; every
    violation, whatever its impact."""
    page.wait_for_load_state("load")
    page.evaluate(_SETTLE)
    # The Wagtail admin ships its own (older) axe-core for its accessibility checker: load
    # ours over it, so that every page is judged by the same rules.
    if page.evaluate("() => window.axe && window.axe.version") != AXE_VERSION:
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    found = page.evaluate(_RUN, AXE_OPTIONS)
    return [
        Violation(
            id=item["id"],
            impact=item["impact"] or "",
            help=item["help"],
            help_url=item["helpUrl"],
            nodes=item["nodes"],
        )
        for item in found
    ]


def assert_accessible(page, *, ignore: tuple[str, ...] = ()) -> list[Violation]:
    """Fails the test when axe-core finds a serious or critical violation on the page,
    listing each rule with its help text and the selectors of the elements at fault.

    ``ignore``: rule ids left out, each one a known defect written down where it is used.
    Returns every violation (minor and moderate included) for the caller to look at.
    """
    violations = axe_violations(page)
    _report(page, violations)
    blocking = [v for v in violations if v.impact in BLOCKING_IMPACTS and v.id not in ignore]
    if blocking:
        details = "\n".join(v.describe() for v in blocking)
        pytest.fail(
            f"axe-core: {len(blocking)} serious or critical accessibility violation(s) on "
            f"{page.url} ({page.title()!r}):\n{details}",
            pytrace=False,
        )
    return violations


def _report(page, violations: list[Violation]) -> None:
    counts: dict[str, int] = {}
    for violation in violations:
        counts[violation.impact] = counts.get(violation.impact, 0) + 1
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    with REPORT.open("a", encoding="utf-8") as out:
        entry = {
            "url": page.url,
            "title": page.title(),
            "impacts": counts,
            "rules": sorted({f"{v.impact}:{v.id}" for v in violations}),
        }
        out.write(json.dumps(entry) + "\n")


# --- JavaScript errors --------------------------------------------------------------------


@dataclass
class PageWatch:
    """What happened on one page object: the JavaScript errors the browser reported
    (uncaught exceptions and ``console.error`` messages: a script refused by the
    Content-Security-Policy, a failed fetch, a resource that did not load) and every
    document it loaded, with whether the document was checked."""

    errors: list[str] = field(default_factory=list)
    # Messages expected at this point of a journey (e.g. the 403 of a page the journey
    # means to be refused); cleared by ``assert_no_browser_errors``.
    expected: list[re.Pattern] = field(default_factory=list)
    # [address, checked] for every document loaded in the page, in order.
    loads: list[list] = field(default_factory=list)


_watches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def watch_errors(page) -> PageWatch:
    """Starts collecting the page's JavaScript errors and loaded documents; call once per
    page object, before its first navigation."""
    if page in _watches:
        return _watches[page]
    watch = PageWatch()
    _watches[page] = watch

    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            where = location.get("url") or page.url
            watch.errors.append(f"console.error at {where}: {message.text}")

    page.on("console", on_console)
    page.on(
        "pageerror", lambda error: watch.errors.append(f"uncaught error on {page.url}: {error}")
    )
    page.on("load", lambda loaded: watch.loads.append([loaded.url, False]))
    return watch


def expect_browser_error(page, pattern: str) -> None:
    """Declares that the next check may see an error matching ``pattern`` (a regular
    expression), e.g. the console's line for a page the journey expects to be refused."""
    _watches[page].expected.append(re.compile(pattern))


def assert_no_browser_errors(page) -> None:
    """Fails when the page has reported a JavaScript error since the last check."""
    watch = _watches.get(page)
    if watch is None:
        raise AssertionError("call watch_errors(page) before navigating")
    unexpected = [
        error for error in watch.errors if not any(p.search(error) for p in watch.expected)
    ]
    watch.errors.clear()
    watch.expected.clear()
    if unexpected:
        pytest.fail(
            "JavaScript errors in the browser:\n  " + "\n  ".join(unexpected), pytrace=False
        )


# --- The document's title ----------------------------------------------------------------

# The site's name as the public pages and the Wagtail admin end their <title>.
_SITE_SUFFIX = re.compile(r"\s*[·-]\s*(ASI Learning|Wagtail)\s*$")
TITLE_RULE = "page-title-names-the-page"


def assert_titled(page) -> None:
    """WCAG 2.4.2 (Page Titled): the <title> names the page, not only the site. axe-core's
    ``document-title`` only asks for a non-empty one, so "- Wagtail" would pass it."""
    title = page.title()
    if not re.search(r"\w", _SITE_SUFFIX.sub("", title)):
        pytest.fail(
            f"{TITLE_RULE}: the <title> of {page.url} is {title!r}: it names the site only "
            "(WCAG 2.4.2 Page Titled)",
            pytrace=False,
        )


def check_page(page, *, ignore: tuple[str, ...] = ()) -> list[Violation]:
    """The checks on the page as it is now: no serious or critical axe-core violation, a
    <title> naming the page, no JavaScript error since the last check. ``ignore``: rule
    ids (axe-core's or ``TITLE_RULE``) left out, each a known defect written down where it
    is used. Returns every axe-core violation."""
    violations = assert_accessible(page, ignore=ignore)
    if TITLE_RULE not in ignore:
        assert_titled(page)
    assert_no_browser_errors(page)
    watch = _watches[page]
    if watch.loads:
        watch.loads[-1][1] = True
    return violations


def assert_every_page_checked(page, *, site: str) -> None:
    """Fails when the journey loaded a document of ``site`` (the live server's address)
    that it did not check; call it at the journey's end. A journey claims axe-core on every
    page of ours it visits, and this holds it to that (pages elsewhere, such as a stand-in
    for Stripe's hosted payment page, are not ours to check)."""
    unchecked = [
        url for url, checked in _watches[page].loads if url.startswith(site) and not checked
    ]
    if unchecked:
        pytest.fail(
            "Pages loaded but not checked with check_page():\n  " + "\n  ".join(unchecked),
            pytrace=False,
        )
