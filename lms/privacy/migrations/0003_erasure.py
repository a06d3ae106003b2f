"""Erasure requests (``lms.privacy.erasure``), and the secretariat's permission to decide
them."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

SECRETARIAT_ERASURE = ["decide_erasurerequest", "view_erasurerequest"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat, _ = Group.objects.get_or_create(name="Secretariat")
    secretariat.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="privacy", codename__in=SECRETARIAT_ERASURE
        )
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="privacy", codename__in=SECRETARIAT_ERASURE
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_secretariat_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ErasureRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("requested_at", models.DateTimeField(verbose_name="requested at")),
                ("reason", models.TextField(blank=True, verbose_name="why the person asks")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for a decision"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                            ("done", "Erased"),
                            ("withdrawn", "Withdrawn by the person"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
                ),
                (
                    "decision_reason",
                    models.TextField(blank=True, verbose_name="reason for the decision"),
                ),
                (
                    "pseudonym",
                    models.CharField(blank=True, max_length=80, verbose_name="pseudonym"),
                ),
                ("outcome", models.JSONField(blank=True, default=dict, verbose_name="outcome")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="erasure_requests",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "erasure request",
                "verbose_name_plural": "erasure requests",
                "ordering": ["-requested_at", "-pk"],
                "permissions": [("decide_erasurerequest", "Can decide erasure requests")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("user",),
                        name="privacy_erasure_one_pending",
                    )
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
