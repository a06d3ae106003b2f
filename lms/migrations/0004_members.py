"""Member organisations run by the secretariat and their managers: an organisation's
status, a person's role in it, invitations, and the secretariat's permissions for them
(invitations and the CSV import of members)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

SECRETARIAT = "Secretariat"
SECRETARIAT_LMS = [
    "add_invitation",
    "change_invitation",
    "view_invitation",
    "import_members",
]


def grant_secretariat(apps, schema_editor):
    app_config = apps.get_app_config("lms")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat, _ = Group.objects.get_or_create(name=SECRETARIAT)
    secretariat.permissions.add(
        *Permission.objects.filter(content_type__app_label="lms", codename__in=SECRETARIAT_LMS)
    )


def revoke_secretariat(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=SECRETARIAT):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="lms", codename__in=SECRETARIAT_LMS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0003_cache_table"),
    ]

    operations = [
        migrations.CreateModel(
            name="Invitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254, verbose_name="e-mail address")),
                (
                    "role",
                    models.CharField(
                        choices=[("member", "Member"), ("manager", "Manager")],
                        default="member",
                        max_length=16,
                        verbose_name="role in the organisation",
                    ),
                ),
                ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="sent"),
                ),
                ("expires_at", models.DateTimeField(verbose_name="expires")),
                (
                    "accepted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="accepted"),
                ),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
            ],
            options={
                "verbose_name": "invitation",
                "verbose_name_plural": "invitations",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.AlterModelOptions(
            name="organisation",
            options={
                "ordering": ["name"],
                "permissions": [("import_members", "Can import member organisations and people")],
                "verbose_name": "member organisation",
                "verbose_name_plural": "member organisations",
            },
        ),
        migrations.AddField(
            model_name="organisation",
            name="status",
            field=models.CharField(
                choices=[("active", "Active"), ("suspended", "Suspended")],
                default="active",
                help_text="A suspended organisation's people have no members-only access.",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="organisation_role",
            field=models.CharField(
                choices=[("member", "Member"), ("manager", "Manager")],
                default="member",
                max_length=16,
                verbose_name="role in the organisation",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="membership_active_from",
            field=models.DateField(
                blank=True,
                help_text="The first day of the membership. Without it there is no membership.",
                null=True,
                verbose_name="member since",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="membership_active_until",
            field=models.DateField(
                blank=True,
                help_text="The day the membership lapses: members-only access ends on this day. Leave empty for a membership without an end date.",
                null=True,
                verbose_name="member until",
            ),
        ),
        migrations.AlterConstraint(
            model_name="organisation",
            name="organisation_membership_dates_ordered",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("membership_active_until__isnull", True),
                    ("membership_active_from__isnull", True),
                    ("membership_active_until__gte", models.F("membership_active_from")),
                    _connector="OR",
                ),
                name="organisation_membership_dates_ordered",
                violation_error_message="A membership cannot lapse before it begins.",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="accepted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="invited_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="invited by",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="invitations",
                to="lms.organisation",
                verbose_name="member organisation",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="revoked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("accepted_at__isnull", True), ("revoked_at__isnull", True)),
                fields=("organisation", "email"),
                name="invitation_one_open_per_address",
            ),
        ),
        migrations.RunPython(grant_secretariat, revoke_secretariat),
    ]
