"""The notices of the site, as demo content: terms of use, privacy notice, cookie notice
and accessibility statement, each a ``ContentPage`` under the home page at the address the
footer links (``lms.privacy.selectors.NOTICE_PATHS``). Version 1 of the terms and of the
privacy notice is published on the pages (``lms.privacy.demo``) and accepted for the demo
accounts. Editors replace the text in the admin and publish a new version under
Settings → Policy versions; the cookie notice must keep naming exactly the cookies the
site sets (``tests/lms/test_privacy_notices.py`` checks it against the settings).
Idempotent: a page that exists is left alone.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage

from lms.privacy import demo as privacy_demo
from lms.ratelimit import KNOWN_DEVICE_COOKIE, KNOWN_DEVICE_MAX_AGE

CONTACT = "learning@example.org"


def _stream(blocks: list[tuple[str, object]]) -> str:
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


def _h(text: str) -> tuple[str, dict]:
    return ("heading", {"text": text, "level": "h2"})


def _p(html: str) -> tuple[str, str]:
    return ("paragraph", html)


def _terms() -> list:
    return [
        _h("Who we are"),
        _p(
            "<p>ASI Learning is the learning and accreditation platform of the Aluminium "
            "Stewardship Initiative (“ASI”, “we”). By creating an account you accept these "
            'terms. Questions: <a href="mailto:' + CONTACT + '">' + CONTACT + "</a>.</p>"
        ),
        _h("Your account"),
        _p(
            "<ul><li>One account per person, in your own name: certificates and the public "
            "register show the name you give.</li><li>Keep your password to yourself; staff "
            "accounts also use a second factor.</li><li>Tell us if you think someone else "
            "used your account.</li></ul>"
        ),
        _h("Courses, quizzes and exams"),
        _p(
            "<p>Your work must be your own. During an exam you may not use other people’s "
            "help or share the questions. We may annul a result obtained in breach of these "
            "rules, after hearing you. Marks given by hand can be reviewed on request.</p>"
        ),
        _h("Accreditation and the public register"),
        _p(
            "<p>Accreditation decisions follow the published accreditation procedure. Audit "
            "firms are always listed on the public register; auditors are named on it only "
            "with their consent, which they can withdraw in their profile.</p>"
        ),
        _h("Payments"),
        _p(
            "<p>Prices are those shown when you order. Card payments are processed by our "
            "payment provider; we never see or keep your card number. Refunds follow the "
            "conditions stated with each product.</p>"
        ),
        _h("Content"),
        _p(
            "<p>Course material and recordings are for your own learning and your "
            "organisation’s use; do not republish them without our permission.</p>"
        ),
        _h("Changes"),
        _p(
            "<p>When these terms change we publish a new version and ask you to accept it "
            "the next time you sign in.</p>"
        ),
    ]


def _privacy() -> list:
    return [
        _h("Who is responsible"),
        _p(
            "<p>The Aluminium Stewardship Initiative (“ASI”, “we”) decides why and how the "
            "personal data on this platform is used. Contact for anything about your data: "
            '<a href="mailto:' + CONTACT + '">' + CONTACT + "</a>.</p>"
        ),
        _h("What we keep and why"),
        _p(
            "<ul>"
            "<li><b>Your account</b>: name, e-mail address, preferred language, organisation "
            "and role, and the dates you accepted these notices: to run your account "
            "(our contract with you).</li>"
            "<li><b>Your learning</b>: enrolments, progress, quiz and exam attempts with your "
            "answers, marks and feedback, assignments and certificates: to teach, assess "
            "and certify you (contract).</li>"
            "<li><b>Accreditation</b>: applications, the evidence you upload, decisions and "
            "their reasons, scope and history: to decide and prove who is accredited "
            "(contract and our legitimate interest in a reliable register). You are named "
            "on the public register only with your consent.</li>"
            "<li><b>Payments</b>: orders, invoices and receipts: to bill you and keep the "
            "accounting records the law requires (legal obligation). Card details are "
            "handled by the payment provider, never by us.</li>"
            "<li><b>Security</b>: the network address of failed sign-ins, an audit log of "
            "decisions and changes: to protect accounts and the register (legitimate "
            "interest).</li>"
            "</ul>"
        ),
        _h("Who else sees it"),
        _p(
            "<p>Our hosting and e-mail providers and the payment provider, each bound by a "
            "contract to act only on our instructions. Your audit firm’s administrators see "
            "the training status and scope of the auditors working for the firm; your "
            "organisation’s managers see their members’ learning progress. We sell nothing "
            "and use no advertising or analytics trackers.</p>"
        ),
        _h("How long we keep it"),
        _p(
            "<ul>"
            "<li>Accounts whose e-mail address was never confirmed and that never signed "
            "in: deleted after 30 days.</li>"
            "<li>Evidence files: deleted 6 years after the accreditation they supported "
            "ends (the record that they were sent and reviewed stays).</li>"
            "<li>What you typed in quiz and exam answers, and the marker’s comments: erased "
            "6 years after the attempt; the marks stay.</li>"
            "<li>Expired sign-in sessions: deleted daily.</li>"
            "<li>Invoices and receipts: as long as accounting law requires.</li>"
            "<li>Accreditation decisions: kept, as the register’s history; if your account "
            "is erased, they keep a pseudonym instead of your name.</li>"
            "</ul>"
        ),
        _h("Your rights"),
        _p(
            "<p>You may ask for a copy of your data, have it corrected, have it erased or "
            "restricted where the law allows, object to its use, and take it elsewhere. "
            'Write to <a href="mailto:' + CONTACT + '">' + CONTACT + "</a>; we answer "
            "within one month. You may also complain to your data-protection authority.</p>"
        ),
        _h("Changes"),
        _p(
            "<p>When this notice changes we publish a new version and ask you to read and "
            "accept it the next time you sign in.</p>"
        ),
    ]


def _days(seconds: int) -> int:
    return seconds // (24 * 3600)


def _cookies() -> list:
    session_days = _days(settings.SESSION_COOKIE_AGE)
    rows = [
        (
            settings.SESSION_COOKIE_NAME,
            "Keeps you signed in and remembers your basket.",
            f"{session_days} days, or until you sign out",
        ),
        (
            settings.CSRF_COOKIE_NAME,
            "Protects the forms you send against cross-site request forgery.",
            "1 year",
        ),
        (
            CookieStorage.cookie_name,
            "Carries a confirmation or an error message to the next page.",
            "until the message is shown",
        ),
        (
            KNOWN_DEVICE_COOKIE,
            "Set when you sign in: remembers that this browser signed in to your account "
            "before, so that failed attempts by someone else do not lock you out. It holds "
            "a coded fingerprint, not your address.",
            f"{_days(KNOWN_DEVICE_MAX_AGE)} days",
        ),
        (
            "wagtail_sidebar_collapsed",
            "Staff only, in the administration area: remembers whether the menu is collapsed.",
            "until you change it",
        ),
    ]
    items = "".join(
        f"<li><b>{name}</b>: {purpose} Kept: {kept}.</li>" for name, purpose, kept in rows
    )
    return [
        _h("Only the cookies the site needs"),
        _p(
            "<p>This site sets only strictly necessary cookies: the ones it cannot work "
            "without, or that keep your account safe. They need no consent, and there is "
            "no banner to click. We use no analytics, advertising or social-media cookies, "
            "and no page loads anything from other sites that could set its own.</p>"
        ),
        _h("The cookies"),
        _p(f"<ul>{items}</ul>"),
        _h("Your choices"),
        _p(
            "<p>You can delete these cookies in your browser at any time: you will be signed "
            "out. Blocking them stops signing in from working.</p>"
        ),
    ]


def _accessibility() -> list:
    return [
        _h("Our aim"),
        _p(
            "<p>We want everyone to be able to use ASI Learning: to learn, take exams and "
            "check the register. We aim to meet the Web Content Accessibility Guidelines "
            "(WCAG) 2.2 at level AA.</p>"
        ),
        _h("What we do"),
        _p(
            "<ul><li>Pages work with a keyboard alone and with screen readers; every page "
            "has landmarks and one main heading.</li><li>Images have text alternatives; "
            "recordings have captions, chapters and a transcript.</li><li>Text can be "
            "enlarged to 200% without losing content; colours meet contrast "
            "requirements.</li><li>Automated accessibility checks run on every page in our "
            "browser tests.</li><li>Timed exams: if you need extra time as a reasonable "
            "adjustment, ask the secretariat before you start.</li></ul>"
        ),
        _h("Known limitations"),
        _p(
            "<ul><li>Some older PDF documents and slides may not be fully tagged for screen "
            "readers; ask us for an accessible copy.</li><li>Recordings of live webinars "
            "may have automatically made captions until they are checked.</li></ul>"
        ),
        _h("Tell us about a problem"),
        _p(
            '<p>If something is hard to use, write to <a href="mailto:'
            + CONTACT
            + '">'
            + CONTACT
            + "</a>, saying which page and what happened. We answer within 5 working days "
            "and can send material in another format.</p>"
        ),
    ]


NOTICES = [
    # slug, title, introduction, body
    (
        "terms",
        "Terms of use",
        "The rules for using ASI Learning: your account, courses and exams, accreditation, "
        "payments.",
        _terms,
    ),
    (
        "privacy",
        "Privacy notice",
        "What personal data ASI Learning keeps about you, why, for how long, and your rights.",
        _privacy,
    ),
    (
        "cookies",
        "Cookie notice",
        "The cookies this site sets: only strictly necessary ones.",
        _cookies,
    ),
    (
        "accessibility",
        "Accessibility statement",
        "How accessible ASI Learning is, what we know still needs work, and how to tell us.",
        _accessibility,
    ),
]


def seed(home, child, stdout=None) -> dict:
    """Creates the notice pages under ``home`` (with ``child``, cms.demo's get-or-create of
    a published child page) and version 1 of the terms and the privacy notice."""
    from cms.models import ContentPage

    pages = {}
    for slug, title, intro, body in NOTICES:
        page, created = child(
            home, ContentPage, slug, title=title, intro=intro, body=_stream(body())
        )
        pages[slug] = page
        if created and stdout:
            stdout.write(f"  page /{slug}/")
    privacy_demo.seed(terms_page=pages["terms"], privacy_page=pages["privacy"], stdout=stdout)
    return pages
