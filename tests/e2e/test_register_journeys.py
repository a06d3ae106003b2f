"""The public register in a browser: filter, open an auditor, download the CSV; the API docs."""

from pathlib import Path

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _register():
    from django.contrib.auth.models import Group

    from lms import roles
    from tests.accreditation.factories import (
        AccreditationFactory,
        AuditorFactory,
        FirmFactory,
        FirmScopeElementFactory,
    )
    from tests.accreditation.register_helpers import bulk_register

    for name in roles.ALL:  # an earlier transactional test may have flushed them
        Group.objects.get_or_create(name=name)
    firm = FirmFactory(name="Nordic Assurance AS", slug="nordic-assurance", country="NO")
    FirmScopeElementFactory(firm=firm, country="CN")
    FirmScopeElementFactory(firm=firm, country="DE")
    AccreditationFactory(
        auditor=AuditorFactory(user__full_name="Li Wei", is_lead_auditor=True, languages="Chinese"),
        firm=firm,
        scope=[("casthouse", "CN"), ("casthouse", "DE")],
    )
    bulk_register(40, firms=3)


def test_a_visitor_filters_the_register_opens_an_auditor_and_downloads_the_csv(page):
    _register()

    page.goto("/auditors/")
    page.get_by_role("heading", name="Register of accredited auditors").wait_for()
    assert page.get_by_text("41 auditors listed").is_visible()
    screenshot(page, "register-auditors")

    page.get_by_label("Country").select_option("CN")
    page.get_by_label("Audit firm").select_option("nordic-assurance")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/auditors/?*country=CN*")
    assert page.get_by_text("1 auditor listed").is_visible()
    screenshot(page, "register-filtered")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these results (CSV)").click()
    csv_text = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert csv_text.splitlines()[1].startswith("Li Wei,Nordic Assurance AS,PS,casthouse,CN,")
    assert len(csv_text.splitlines()) == 2

    page.get_by_role("link", name="Li Wei").click()
    page.get_by_role("heading", name="Li Wei").wait_for()
    assert page.get_by_role("cell", name="Germany").is_visible()
    screenshot(page, "register-auditor")

    page.get_by_role("link", name="Nordic Assurance AS").first.click()
    page.get_by_role("heading", name="Nordic Assurance AS").wait_for()
    screenshot(page, "register-firm")


def test_the_api_docs_render_without_any_cdn(page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto("/api/v1/docs")
    page.get_by_text("/api/v1/auditors").first.wait_for()
    screenshot(page, "register-api-docs")

    assert all(url.startswith(page.url.split("/api/")[0]) for url in requests), requests


def test_a_firm_admin_sees_auditors_training_scope_and_what_expires(page):
    import datetime

    from django.utils import timezone

    from lms import roles
    from tests.accreditation.factories import (
        AccreditationFactory,
        AuditorFactory,
        FirmFactory,
        FirmScopeElementFactory,
    )
    from tests.factories import UserFactory

    _register()
    today = timezone.localdate()
    admin = UserFactory(email="fiona@example.org", full_name="Fiona Admin", role=roles.FIRM_ADMIN)
    firm = FirmFactory(
        name="Andes Certification SA",
        country="CL",
        period=(today - datetime.timedelta(days=300), today + datetime.timedelta(days=65)),
        admins=[admin],
    )
    FirmScopeElementFactory(firm=firm, country="CN")
    AccreditationFactory(
        auditor=AuditorFactory(user__full_name="Ana Soon"),
        firm=firm,
        scope=[("casthouse", "CN")],
        valid_until=today + datetime.timedelta(days=20),
    )

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("fiona@example.org")
    page.get_by_label("Password").fill("password123!")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_text("Fiona").first.wait_for()
    page.goto("/accreditation/firm/")

    page.get_by_role("heading", name="Andes Certification SA").wait_for()
    assert page.get_by_role("row", name="Ana Soon").is_visible()
    assert page.get_by_text("The firm's accreditation").is_visible()
    screenshot(page, "register-firm-admin")
