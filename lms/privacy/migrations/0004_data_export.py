"""Download my data (``DataExport``) and who saw what (``PersonalDataAccess``), and the
"Data protection officer" group: admin access and the report of who saw what
(``privacy.view_personaldataaccess``), nothing else."""

import django.db.models.deletion
import django.utils.timezone
import lms.privacy.models
import lms.storage
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

DPO_GROUP = "Data protection officer"


def create_dpo_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=DPO_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(
            content_type__app_label="privacy", codename="view_personaldataaccess"
        ),
    )


def remove_dpo_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=DPO_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("privacy", "0003_erasure"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataExport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting to start"),
                            ("building", "Being prepared"),
                            ("ready", "Ready to download"),
                            ("failed", "Failed"),
                            ("expired", "Expired"),
                        ],
                        default="queued",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "progress",
                    models.PositiveSmallIntegerField(default=0, verbose_name="progress (%)"),
                ),
                (
                    "requested_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="requested at"
                    ),
                ),
                ("ready_at", models.DateTimeField(blank=True, null=True, verbose_name="ready at")),
                (
                    "expires_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="link valid until"),
                ),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        max_length=255,
                        storage=lms.storage.private_storage,
                        upload_to=lms.privacy.models.export_upload_to,
                        verbose_name="file",
                    ),
                ),
                ("size", models.PositiveBigIntegerField(default=0, verbose_name="size in bytes")),
                (
                    "token",
                    models.CharField(
                        default=lms.privacy.models.new_export_token,
                        editable=False,
                        max_length=64,
                        unique=True,
                    ),
                ),
                ("error", models.TextField(blank=True, verbose_name="what went wrong")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="data_exports",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "data export",
                "verbose_name_plural": "data exports",
                "ordering": ["-requested_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status__in", ["queued", "building"])),
                        fields=("user",),
                        name="privacy_export_one_open",
                        violation_error_message="Your data is already being prepared.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PersonalDataAccess",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="when"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("evidence_file", "Evidence file downloaded"),
                            ("submission_file", "Assignment submission opened"),
                            ("attempt", "Exam or quiz attempt viewed"),
                        ],
                        max_length=32,
                        verbose_name="what",
                    ),
                ),
                ("object_id", models.CharField(max_length=64, verbose_name="object")),
                ("path", models.CharField(blank=True, max_length=300, verbose_name="address")),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="whose data",
                    ),
                ),
                (
                    "viewer",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="who",
                    ),
                ),
            ],
            options={
                "verbose_name": "personal data access",
                "verbose_name_plural": "personal data accesses",
                "ordering": ["-at", "-pk"],
                "indexes": [
                    models.Index(fields=["owner", "at"], name="privacy_access_owner_at"),
                    models.Index(fields=["viewer", "at"], name="privacy_access_viewer_at"),
                ],
            },
        ),
        migrations.RunPython(create_dpo_group, remove_dpo_group),
    ]
