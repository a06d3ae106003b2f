"""Invoices and credit notes count in one table: ``DocumentCounter(kind, year, last_number)``.

The last numbers of ``InvoiceCounter`` and ``CreditNoteCounter`` are copied over, so the
next invoice and credit note of each year continue their series without a gap or a
repeat. The reverse copies them back.
"""

from django.db import migrations, models

SERIES = (("invoice", "InvoiceCounter"), ("credit_note", "CreditNoteCounter"))


def copy_into_one_counter(apps, schema_editor):
    DocumentCounter = apps.get_model("payments", "DocumentCounter")
    for kind, old_name in SERIES:
        for old in apps.get_model("payments", old_name).objects.all():
            DocumentCounter.objects.create(kind=kind, year=old.year, last_number=old.last_number)


def copy_back_into_two_counters(apps, schema_editor):
    DocumentCounter = apps.get_model("payments", "DocumentCounter")
    for kind, old_name in SERIES:
        OldCounter = apps.get_model("payments", old_name)
        for counter in DocumentCounter.objects.filter(kind=kind):
            OldCounter.objects.create(year=counter.year, last_number=counter.last_number)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0007_refund_in_progress_and_failed"),
    ]

    operations = [
        migrations.CreateModel(
            name="DocumentCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("invoice", "Invoice"), ("credit_note", "Credit note")],
                        max_length=16,
                    ),
                ),
                ("year", models.PositiveIntegerField()),
                ("last_number", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "document counter",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "year"), name="payments_document_series"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_into_one_counter, copy_back_into_two_counters),
        migrations.DeleteModel(name="InvoiceCounter"),
        migrations.DeleteModel(name="CreditNoteCounter"),
    ]
