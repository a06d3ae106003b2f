"""The decisions log lives in Wagtail's audit log now (``0008_decisions_into_audit_log``):
the ``Decision`` table and the scope status changes' link to it go."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accreditation", "0008_decisions_into_audit_log")]

    operations = [
        migrations.RemoveField(model_name="scopestatuschange", name="decision"),
        migrations.DeleteModel(name="Decision"),
    ]
