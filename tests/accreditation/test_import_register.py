"""`import_register`: an existing register loaded from CSV."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from accreditation.models import Accreditation, AuditFirm, AuditorProfile, ScopeElement
from accreditation.selectors import check_eligibility
from lms.models import User

pytestmark = pytest.mark.django_db

HEADER = (
    "firm,firm_country,auditor_name,auditor_email,standard,sectors,countries,"
    "valid_from,valid_until,status,listed\n"
)
GOOD = HEADER + (
    "Nordic Cert AS,NO,Ola Nordmann,ola@example.org,CoC,casthouse;post-casthouse,NO;SE,"
    "2023-01-01,2026-12-31,active,yes\n"
    "Nordic Cert AS,NO,Kari Nordmann,kari@example.org,PS,bauxite-mining,GN,"
    "2022-06-01,2025-05-31,suspended,no\n"
    "Andes Audit,PE,Juan Pérez,juan@example.org,PS,alumina-refining,BR,"
    "2021-01-01,2023-12-31,withdrawn,yes\n"
)


@pytest.fixture
def csv_file(tmp_path):
    def write(text):
        path = tmp_path / "register.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def _counts():
    return (
        AuditFirm.objects.count(),
        User.objects.count(),
        Accreditation.objects.count(),
        ScopeElement.objects.count(),
    )


def test_import_creates_firms_auditors_and_imported_accreditations(csv_file, capsys):
    call_command("import_register", csv_file(GOOD))
    assert AuditFirm.objects.filter(name__in=["Nordic Cert AS", "Andes Audit"]).count() == 2
    ola = AuditorProfile.objects.get(user__email="ola@example.org")
    assert ola.listed_consent is True
    assert AuditorProfile.objects.get(user__email="kari@example.org").listed_consent is False
    accreditation = ola.accreditations.get()
    assert accreditation.source == Accreditation.Source.IMPORTED
    assert accreditation.standard_version.version == "V2"
    assert accreditation.scope.count() == 4
    assert "Import finished" in capsys.readouterr().out


def test_imported_accreditation_is_eligible_within_its_dates_scope_and_status(csv_file):
    call_command("import_register", csv_file(GOOD))
    ola = User.objects.get(email="ola@example.org")
    assert check_eligibility(ola, "CoC", "post-casthouse", "SE", datetime.date(2024, 5, 1)).eligible
    assert not check_eligibility(ola, "CoC", "casthouse", "NO", datetime.date(2027, 1, 1)).eligible
    assert not check_eligibility(ola, "CoC", "casthouse", "DE", datetime.date(2024, 5, 1)).eligible
    kari = User.objects.get(email="kari@example.org")
    answer = check_eligibility(kari, "PS", "bauxite-mining", "GN", datetime.date(2025, 5, 31))
    assert not answer.eligible
    assert "suspended" in answer.reasons[0]
    # before the import day the old register said nothing about a suspension
    assert check_eligibility(kari, "PS", "bauxite-mining", "GN", datetime.date(2023, 5, 1)).eligible
    juan = User.objects.get(email="juan@example.org")
    assert check_eligibility(
        juan, "PS", "alumina-refining", "BR", datetime.date(2022, 5, 1)
    ).eligible


def test_importing_the_same_file_twice_changes_nothing(csv_file, capsys):
    path = csv_file(GOOD)
    call_command("import_register", path)
    before = _counts()
    changes = list(
        ScopeElement.objects.values_list("pk", "changes__status", "changes__effective_from")
    )
    capsys.readouterr()
    call_command("import_register", path)
    assert _counts() == before
    assert (
        list(ScopeElement.objects.values_list("pk", "changes__status", "changes__effective_from"))
        == changes
    )
    assert "Nothing to change" in capsys.readouterr().out


def test_bad_row_is_reported_with_line_number_and_nothing_is_written(csv_file, capsys):
    bad = GOOD + (
        "Bad Firm,XX,No Body,not-an-email,CoC,smelting,ZZ,2023-13-01,2024-01-01,paused,maybe\n"
    )
    before = _counts()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_register", csv_file(bad))
    err = capsys.readouterr().err
    assert "line 5:" in err
    assert "firm_country “XX” is not an ISO 3166-1 code" in err
    assert "sector “smelting” is not a CoC sector" in err
    assert "valid_from “2023-13-01” is not an ISO 8601 date" in err
    assert "status “paused” is not active, suspended or withdrawn" in err
    assert _counts() == before


def test_unknown_standard_and_missing_columns_are_reported(csv_file, capsys):
    with pytest.raises(CommandError):
        call_command(
            "import_register",
            csv_file(
                HEADER + "F,DE,A,a@example.org,XYZ,casthouse,DE,2023-01-01,2024-01-01,active,yes\n"
            ),
        )
    assert "line 2: standard “XYZ” is not PS or CoC" in capsys.readouterr().err
    with pytest.raises(CommandError):
        call_command("import_register", csv_file("firm,auditor_name\nA,B\n"))
    assert "missing columns" in capsys.readouterr().err


def test_dry_run_reports_without_writing(csv_file, capsys):
    before = _counts()
    call_command("import_register", csv_file(GOOD), "--dry-run")
    out = capsys.readouterr().out
    assert "Would create 3 accreditations." in out
    assert "Dry run: nothing was written." in out
    assert _counts() == before


def test_imported_firm_counts_as_accredited_over_the_rows_dates(csv_file):
    call_command("import_register", csv_file(GOOD))
    firm = AuditFirm.objects.get(name="Nordic Cert AS")
    periods = sorted((p.valid_from, p.valid_until) for p in firm.periods.all())
    assert periods == [
        (datetime.date(2022, 6, 1), datetime.date(2025, 5, 31)),
        (datetime.date(2023, 1, 1), datetime.date(2026, 12, 31)),
    ]
