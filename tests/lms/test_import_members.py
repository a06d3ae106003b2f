"""The members import: ``manage.py import_members FILE.csv [--dry-run]`` and the same
import in the admin (upload, preview, confirm). Idempotent; one bad row (named by its
line) means nothing is written; new people are invited only when it is not a dry run;
hostile files get clear errors, never a 500."""

import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from lms.members.importer import MAX_FILE_BYTES, import_members
from lms.models import Invitation, MembershipClass, Organisation, OrganisationRole, User
from tests.factories import ManagerFactory, MemberFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "organisation,membership_class,country,member_since,member_until,email,full_name,role\n"
GOOD = HEADER + (
    "Andes Aluminio SA,Industrial Users,CL,2025-01-01,,ana@andes.example,Ana Andes,manager\n"
    "Andes Aluminio SA,Industrial Users,CL,2025-01-01,,beto@andes.example,Beto Andes,member\n"
    "Baltic Cans,civil_society,Latvia,2024-03-01,2027-03-01,carla@baltic.example,Carla B,\n"
)


def write(tmp_path, text: str, name: str = "members.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def run(path, *args) -> str:
    out = io.StringIO()
    call_command("import_members", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def snapshot():
    return (
        sorted(Organisation.objects.values_list("name", "membership_class", "country")),
        sorted(User.objects.values_list("email", "full_name", "organisation__name")),
        Invitation.objects.count(),
        ModelLogEntry.objects.count(),
    )


def test_the_command_imports_and_prints_the_line(tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = run(write(tmp_path, GOOD))
    assert "Imported 3 people into 2 organisations" in output.splitlines()
    andes = Organisation.objects.get(name="Andes Aluminio SA")
    assert andes.membership_class == MembershipClass.INDUSTRIAL_USERS
    assert andes.membership_active_from == datetime.date(2025, 1, 1)
    baltic = Organisation.objects.get(name="Baltic Cans")
    assert (baltic.membership_class, baltic.country) == (MembershipClass.CIVIL_SOCIETY, "LV")
    assert baltic.membership_active_until == datetime.date(2027, 3, 1)
    ana = User.objects.get(email="ana@andes.example")
    assert (ana.organisation, ana.organisation_role) == (andes, OrganisationRole.MANAGER)
    assert not ana.has_usable_password()
    assert User.objects.get(email="carla@baltic.example").organisation_role == "member"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana@andes.example",
        "beto@andes.example",
        "carla@baltic.example",
    ]
    assert Invitation.objects.filter(role="manager").get().email == "ana@andes.example"
    actions = set(ModelLogEntry.objects.values_list("action", flat=True))
    assert actions == {"lms.organisation.created", "lms.member.linked", "lms.member.invited"}


def test_importing_the_same_file_twice_changes_nothing(
    tmp_path, django_capture_on_commit_callbacks
):
    path = write(tmp_path, GOOD)
    with django_capture_on_commit_callbacks(execute=True):
        run(path)
    before, sent = snapshot(), len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        output = run(path)
    assert snapshot() == before and len(mail.outbox) == sent
    assert "Imported 3 people into 2 organisations" in output
    assert "People: 0 created, 0 updated, 3 unchanged." in output


def test_a_second_file_updates_organisations_and_people(tmp_path):
    run(write(tmp_path, GOOD))
    changed = GOOD.replace("Ana Andes,manager", "Ana María Andes,member").replace(
        "2024-03-01,2027-03-01", "2024-03-01,2028-03-01"
    )
    output = run(write(tmp_path, changed, "second.csv"))
    assert "Organisations: 0 created, 1 updated, 1 unchanged." in output
    assert "People: 0 created, 1 updated, 2 unchanged." in output
    ana = User.objects.get(email="ana@andes.example")
    assert (ana.full_name, ana.organisation_role) == ("Ana María Andes", "member")
    assert Organisation.objects.get(name="Baltic Cans").membership_active_until == (
        datetime.date(2028, 3, 1)
    )


def test_a_dry_run_says_what_each_row_would_change(tmp_path):
    run(write(tmp_path, GOOD))
    changed = GOOD.replace("Ana Andes,manager", "Ana María Andes,member").replace(
        "civil_society,Latvia,2024-03-01,2027-03-01", "Associations,Latvia,2024-03-01,2028-03-01"
    )
    result = import_members(text=changed, dry_run=True)
    by_email = {outcome.email: outcome for outcome in result.outcomes}
    assert by_email["ana@andes.example"].details == ["name: Ana María Andes", "role: Member"]
    assert by_email["carla@baltic.example"].details == [
        "membership class: Civil Society → Associations",
        "member until: 2027-03-01 → 2028-03-01",
    ]
    assert by_email["beto@andes.example"].person_change == "unchanged"
    assert User.objects.get(email="ana@andes.example").full_name == "Ana Andes"


def test_existing_people_are_linked_or_moved_without_an_invitation(
    tmp_path, django_capture_on_commit_callbacks
):
    UserFactory(email="Ana@Andes.example", full_name="Ana Andes")
    old = OrganisationFactory(name="Previous Employer")
    beto = MemberFactory(email="beto@andes.example", full_name="Beto Andes", organisation=old)
    with django_capture_on_commit_callbacks(execute=True):
        run(write(tmp_path, GOOD))
    assert sorted(m.to[0] for m in mail.outbox) == ["carla@baltic.example"]
    beto.refresh_from_db()
    assert beto.organisation.name == "Andes Aluminio SA"
    assert ModelLogEntry.objects.filter(action="lms.member.unlinked", object_id=str(old.pk))
    assert User.objects.filter(email__iexact="ana@andes.example").count() == 1


def test_a_dry_run_writes_nothing_and_sends_nothing(tmp_path, django_capture_on_commit_callbacks):
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        output = run(write(tmp_path, GOOD), "--dry-run")
    assert snapshot() == before and not mail.outbox and not callbacks
    assert "Would import 3 people into 2 organisations" in output
    assert "Organisations: 2 would be created" in output
    assert "Dry run: nothing was written" in output


@pytest.mark.parametrize(
    "bad_row,message",
    [
        ("X,Platinum Club,NO,2025-01-01,,x@x.example,X,member", "membership_class “Platinum Club”"),
        ("X,Associations,Atlantis,2025-01-01,,x@x.example,X,member", "country “Atlantis”"),
        ("X,Associations,NO,01/02/2025,,x@x.example,X,member", "member_since “01/02/2025”"),
        ("X,Associations,NO,2025-01-01,2024-01-01,x@x.example,X,member", "before member_since"),
        ("X,Associations,NO,2025-01-01,,not-an-address,X,member", "email “not-an-address”"),
        ("X,Associations,NO,2025-01-01,,x@x.example,X,owner", "role “owner”"),
        ("X,Associations,NO,2025-01-01,,x@x.example,,member", "full_name is empty"),
        ("X,Associations,NO,2025-01-01,,ana@andes.example,X,member", "already on line 2"),
        ("Andes Aluminio SA,Associations,CL,2025-01-01,,x@x.example,X,", "on line 2"),
        ("X,Associations,NO,2025-01-01,,x@x.example,X,member,extra", "more cells"),
    ],
)
def test_one_bad_row_is_named_by_its_line_and_nothing_is_written(tmp_path, bad_row, message):
    text = GOOD + bad_row + "\n"
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_members", str(write(tmp_path, text)), stdout=io.StringIO(), stderr=err)
    assert snapshot() == before
    assert "line 5: " in err.getvalue() and message in err.getvalue()


def test_missing_columns_are_named(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_members",
            str(write(tmp_path, "organisation,email\nX,x@x.example\n")),
            stderr=err,
        )
    assert "line 1: missing columns: membership_class, country" in err.getvalue()


@pytest.mark.parametrize(
    "content,message",
    [
        (HEADER.encode() + b"A\x00B,Associations,NO,2025-01-01,,a@b.example,A,member\n", "NUL"),
        (GOOD.encode("utf-16"), "UTF-16"),
        (GOOD.replace("Ana", "Añá").encode("latin-1"), "not UTF-8"),
        (b"", "empty"),
        (HEADER.encode() + b"x" * (MAX_FILE_BYTES + 1), "larger than"),
    ],
)
def test_hostile_files_get_a_clear_error(tmp_path, content, message):
    with pytest.raises(CommandError, match=message):
        run(write(tmp_path, content))
    assert not Organisation.objects.exists()


def test_a_50_kb_cell_is_refused_by_line(tmp_path):
    row = "A," + "x" * 50_000 + ",NO,2025-01-01,,a@b.example,A,member\n"
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_members", str(write(tmp_path, HEADER + row)), stderr=err)
    assert "line 2: membership_class is longer than 1000 characters" in err.getvalue()


def test_a_cell_beyond_the_csv_limit_is_refused_not_crashed():
    result = import_members(text=HEADER + '"' + "x" * 200_000 + '",a\n')
    assert result.errors and "cannot be read" in result.errors[0]
    assert not Organisation.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "nope.csv")


# --- The admin's import ----------------------------------------------------------------------


def upload(client, text, name="members.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("lms_organisation:import"),
        {"action": "preview", "file": SimpleUploadedFile(name, data, "text/csv")},
    )


def test_the_admin_preview_writes_nothing_then_confirm_imports(
    staff_client, staff_user, django_capture_on_commit_callbacks
):
    OrganisationFactory(
        name="Baltic Cans",
        membership_class=MembershipClass.CIVIL_SOCIETY,
        country="LV",
        membership_active_from=datetime.date(2024, 3, 1),
        membership_active_until=datetime.date(2027, 3, 1),
    )
    assert staff_client.get(reverse("lms_organisation:import")).status_code == 200
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        preview = upload(staff_client, GOOD)
    assert snapshot() == before and not mail.outbox
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Nothing has been written yet" in html
    assert "2 created, 0 updated, 0 unchanged" not in html  # Baltic Cans exists
    assert "1 created, 0 updated, 1 unchanged" in html  # organisations
    assert "3 created, 0 updated, 0 unchanged" in html  # people
    confirm_text = preview.context["confirm_form"].initial["text"]

    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(
            reverse("lms_organisation:import"),
            {"action": "confirm", "text": confirm_text, "filename": "members.csv"},
        )
    assert done.status_code == 302
    assert User.objects.filter(organisation__isnull=False).count() == 3
    assert len(mail.outbox) == 3
    entry = ModelLogEntry.objects.filter(action="lms.organisation.created").get()
    assert entry.user_id == staff_user.pk and entry.data["source"] == "import"


def test_the_admin_preview_lists_errors_by_line_and_offers_no_confirm(staff_client):
    response = upload(staff_client, GOOD + "X,Nope,NO,2025-01-01,,x@x.example,X,member\n")
    html = response.content.decode()
    assert "line 5: membership_class “Nope”" in html
    assert "Confirm the import" not in html
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "content,message",
    [
        (b"\xff\xfeo\x00r\x00", "UTF-16"),
        (b"a,b\n\x00\n", "NUL bytes"),
        (b"caf\xe9,b\n", "not UTF-8"),
        (b"x" * (MAX_FILE_BYTES + 10), "larger than"),
    ],
)
def test_the_admin_refuses_hostile_uploads_with_a_message(staff_client, content, message):
    response = upload(staff_client, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.exists()


def test_a_confirm_without_the_file_asks_for_it_again(staff_client):
    response = staff_client.post(reverse("lms_organisation:import"), {"action": "confirm"})
    assert response.status_code == 302
    assert not Organisation.objects.exists()


def test_people_without_the_import_permission_cannot_import():
    manager = ManagerFactory()
    client = Client()
    client.force_login(manager)
    response = client.post(
        reverse("lms_organisation:import"),
        {"action": "confirm", "text": GOOD, "filename": "x.csv"},
    )
    assert response.status_code in (302, 403)
    assert not Organisation.objects.filter(name="Andes Aluminio SA").exists()
