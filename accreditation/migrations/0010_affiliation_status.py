"""Firms confirm their auditors: an affiliation has a status (pending, confirmed, declined),
who decided and when, and the reason for a decline. Existing affiliations were recorded
before firms confirmed anything and came from the register: they become "confirmed".

One open row (no ``until``) per auditor and firm replaces the plain unique pair, so that an
ended affiliation stays as history when the auditor asks again. Going back keeps the newest
row of each pair (the plain unique pair allows one).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def keep_newest_of_each_pair(apps, schema_editor):
    Affiliation = apps.get_model("accreditation", "Affiliation")
    seen = set()
    for row in Affiliation.objects.order_by("auditor_id", "firm_id", "-pk"):
        key = (row.auditor_id, row.firm_id)
        if key in seen:
            row.delete()
        else:
            seen.add(key)


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0009_remove_decision"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="affiliation",
            options={
                "ordering": ["auditor", "firm", "since", "pk"],
                "verbose_name": "affiliation",
                "verbose_name_plural": "affiliations",
            },
        ),
        migrations.RemoveConstraint(model_name="affiliation", name="affiliation_unique"),
        migrations.RunPython(migrations.RunPython.noop, keep_newest_of_each_pair),
        migrations.AddField(
            model_name="affiliation",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AddField(
            model_name="affiliation",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AddField(
            model_name="affiliation",
            name="decline_reason",
            field=models.TextField(blank=True, verbose_name="reason for declining"),
        ),
        migrations.AddField(
            model_name="affiliation",
            name="requested_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="requested at"),
        ),
        # Existing rows become "confirmed"; new rows start "pending".
        migrations.AddField(
            model_name="affiliation",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting for the firm"),
                    ("confirmed", "Confirmed"),
                    ("declined", "Declined"),
                ],
                default="confirmed",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="affiliation",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting for the firm"),
                    ("confirmed", "Confirmed"),
                    ("declined", "Declined"),
                ],
                default="pending",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AddConstraint(
            model_name="affiliation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("until__isnull", True)),
                fields=("auditor", "firm"),
                name="affiliation_open_unique",
                violation_error_message=(
                    "This auditor already has an open affiliation with this firm."
                ),
            ),
        ),
    ]
