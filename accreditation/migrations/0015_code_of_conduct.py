"""The code of conduct: its versions and the auditors' dated acceptances
(``accreditation/models/conduct.py``)."""

import django.db.models.deletion
import wagtail.fields
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# Staff publish versions and see who accepted them; an acceptance is the auditor's own
# record: staff only view it, never add, change or delete one.
GRANTED = [
    "add_codeofconductversion",
    "change_codeofconductversion",
    "delete_codeofconductversion",
    "view_codeofconductversion",
    "view_codeofconductacceptance",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("accreditation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat = Group.objects.filter(name="Secretariat").first()
    if secretariat:
        secretariat.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="accreditation", codename__in=GRANTED
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat = Group.objects.filter(name="Secretariat").first()
    if secretariat:
        secretariat.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="accreditation", codename__in=GRANTED
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0014_firm_scope_ordering"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.CreateModel(
            name="CodeOfConductVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        help_text="E.g. 2026-1 or 3.0",
                        max_length=40,
                        unique=True,
                        verbose_name="version",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("body", wagtail.fields.RichTextField(blank=True, verbose_name="text")),
                (
                    "in_force_from",
                    models.DateField(
                        help_text=(
                            "From this day auditors who have not accepted this version are "
                            "not eligible. Publish it ahead of this date to give them time to "
                            "accept it."
                        ),
                        unique=True,
                        verbose_name="in force from",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "document",
                    models.ForeignKey(
                        blank=True,
                        help_text="Optional: the signed or printable version of the text.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="wagtaildocs.document",
                        verbose_name="document",
                    ),
                ),
            ],
            options={
                "verbose_name": "code of conduct version",
                "verbose_name_plural": "code of conduct versions",
                "ordering": ["-in_force_from"],
            },
        ),
        migrations.CreateModel(
            name="CodeOfConductAcceptance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("accepted_at", models.DateTimeField(verbose_name="accepted at")),
                (
                    "auditor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="conduct_acceptances",
                        to="accreditation.auditorprofile",
                        verbose_name="auditor",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="acceptances",
                        to="accreditation.codeofconductversion",
                        verbose_name="version",
                    ),
                ),
            ],
            options={
                "verbose_name": "code of conduct acceptance",
                "verbose_name_plural": "code of conduct acceptances",
                "ordering": ["auditor", "-accepted_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("auditor", "version"), name="conduct_acceptance_once_per_version"
                    )
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
