"""Reads never write: no GET of any page of the seeded demo inserts, updates or deletes a
row of ours, or takes a row lock, whoever asks.

Statuses (course completion, application status, module progress) are recomputed by the
services that change their inputs and by the daily commands; visits are recorded by a
page's own POST (``data-record-visit``). The only tables a GET may write are listed in
``ALLOWED_TABLES``, each with why.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page

from accreditation.models import Application, AuditFirm, AuditorProfile
from courses.models import Certificate, Course, Enrollment, Lesson
from courses.payments.models import Order
from courses.quiz.models import Attempt, Quiz
from lms.models import User
from tests.conftest import login_with_mfa

pytestmark = pytest.mark.django_db

ALLOWED_TABLES = {
    "django_session",  # signing in, messages and the basket live in the session
    "lms_cache",  # the database cache: register pages, rate-limit counters
    "wagtailusers_userprofile",  # Wagtail makes a staff member's admin profile on first use
    "wagtailimages_rendition",  # Wagtail makes an image's rendition the first time it is shown
    # Who saw what (issue 13): staff opening someone's files or exam attempts is logged.
    "privacy_personaldataaccess",
}

WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def writes_of(queries) -> list[str]:
    """The statements that wrote a table outside ALLOWED_TABLES or locked a row."""
    found = []
    for query in queries:
        sql = query["sql"]
        match = WRITE.match(sql)
        written = match is not None and match.group(2) not in ALLOWED_TABLES
        if written or "FOR UPDATE" in sql.upper():
            found.append(sql)
    return found


def _pages() -> list[str]:
    urls = []
    for page in Page.objects.live().filter(depth__gt=1).specific():
        url = page.get_url()
        if url:
            urls.append(url)
    return urls


def _common_urls() -> list[str]:
    urls = ["/", "/courses/", "/auditors/", "/auditors/firms/", "/auditors/export.csv"]
    urls += ["/search/?q=aluminium", "/auditors/?sector=casthouse"]
    urls += _pages()
    urls += [course.get_absolute_url() for course in Course.objects.published()]
    urls += [reverse("quiz:detail", args=[quiz.slug]) for quiz in Quiz.objects.all()]
    urls += [reverse("accreditation:register_firm", args=[f.slug]) for f in AuditFirm.objects.all()]
    urls += [
        reverse("accreditation:register_auditor", args=[pk])
        for pk in AuditorProfile.objects.values_list("pk", flat=True)
    ]
    urls += [reverse("courses:verify", args=[c.code]) for c in Certificate.objects.all()]
    return urls


def _own_urls(user: User) -> list[str]:
    urls = [
        "/dashboard/",
        "/dashboard/record/",
        "/dashboard/record.pdf",
        "/accreditation/",
        "/accreditation/apply/",
        "/accreditation/profile/",
        "/accreditation/firm/",
        "/payments/orders/",
        "/payments/basket/",
        "/payments/sittings/",
        "/accounts/profile/",
        "/organisation/",
        "/organisation/invite/",
        "/organisation/learning/",
        "/organisation/learning.csv",
    ]
    for enrollment in Enrollment.objects.filter(user=user).select_related("course"):
        lessons = Lesson.objects.filter(module__course=enrollment.course)
        urls += [lesson.get_absolute_url() for lesson in lessons]
    for application in Application.objects.filter(auditor__user=user):
        urls += [
            reverse("accreditation:application", args=[application.pk]),
            reverse("accreditation:evidence_upload", args=[application.pk]),
        ]
    for attempt in Attempt.objects.filter(user=user):
        urls += [
            reverse("quiz:attempt", args=[attempt.pk]),
            reverse("quiz:summary", args=[attempt.pk]),
            reverse("quiz:result", args=[attempt.pk]),
        ]
    for order in Order.objects.filter(buyer=user):
        urls.append(reverse("payments:order_detail", args=[order.public_id]))
    for certificate in Certificate.objects.filter(completion__user=user):
        urls.append(reverse("courses:certificate_pdf", args=[certificate.code]))
    return urls


def _staff_urls() -> list[str]:
    urls = ["/admin/"]
    for application in Application.objects.all():
        urls.append(reverse("accreditation_application:review", args=[application.pk]))
    return urls


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _client_for(email: str | None) -> tuple[Client, User | None]:
    client = Client()
    if email is None:
        return client, None
    user = User.objects.get(email=email)
    if user.is_staff:
        return login_with_mfa(client, user), user
    client.force_login(user)
    return client, user


PEOPLE = [
    None,
    "member@example.org",
    "auditor@example.org",
    "firmadmin@example.org",
    "manager@example.org",
    "staff@example.org",
]


def test_no_get_of_any_demo_page_writes_a_row_or_locks_one_for_anyone(demo):
    """One seeding (it is slow), every kind of person in turn."""
    offenders: dict[tuple[str, str], list[str]] = {}
    failures: list[tuple[str, str, int]] = []
    walked = 0
    for email in PEOPLE:
        client, user = _client_for(email)
        urls = _common_urls()
        if user is not None:
            urls += _own_urls(user)
        if user is not None and user.is_staff:
            urls += _staff_urls()
        for url in dict.fromkeys(urls):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            walked += 1
            who = email or "anonymous"
            if response.status_code >= 500:
                failures.append((who, url, response.status_code))
            written = writes_of(captured.captured_queries)
            if written:
                offenders[(who, url)] = written
    assert walked > 100  # the demo really was walked
    assert offenders == {}
    assert failures == []


def test_the_write_detector_sees_inserts_updates_deletes_and_locks():
    queries = [
        {"sql": 'INSERT INTO "cms_moduleprogress" ("user_id") VALUES (1)'},
        {"sql": 'UPDATE "courses_enrollment" SET "last_lesson_id" = 2'},
        {"sql": 'DELETE FROM "accreditation_evidence" WHERE id = 3'},
        {"sql": 'SELECT "id" FROM "accreditation_application" WHERE id = 4 FOR UPDATE'},
        {"sql": 'UPDATE "django_session" SET "session_data" = \'x\''},
        {"sql": 'SELECT * FROM "courses_course"'},
    ]
    assert len(writes_of(queries)) == 4
