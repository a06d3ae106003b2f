"""Dated records of the register consent (``services.register_consent_set``); every auditor
who consents today gets one "initial" record, dated when the records began."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def record_current_consents(apps, schema_editor):
    AuditorProfile = apps.get_model("accreditation", "AuditorProfile")
    RegisterConsent = apps.get_model("accreditation", "RegisterConsent")
    now = timezone.now()
    RegisterConsent.objects.bulk_create(
        RegisterConsent(auditor_id=pk, granted=True, at=now, source="initial")
        for pk in AuditorProfile.objects.filter(listed_consent=True).values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0011_register_read_model"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RegisterConsent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("granted", models.BooleanField(verbose_name="consents")),
                ("at", models.DateTimeField(verbose_name="when")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("profile", "By the auditor, on their profile"),
                            ("staff", "By staff"),
                            ("import", "Imported from the previous register"),
                            ("erasure", "Withdrawn by the erasure of the account"),
                            ("initial", "Recorded when consent records began"),
                        ],
                        max_length=16,
                        verbose_name="how",
                    ),
                ),
                (
                    "auditor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="register_consents",
                        to="accreditation.auditorprofile",
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "register consent",
                "verbose_name_plural": "register consents",
                "ordering": ["auditor", "-at", "-pk"],
            },
        ),
        migrations.RunPython(record_current_consents, migrations.RunPython.noop),
    ]
