"""The quiz engine's own log is gone: its entries now live in the one audit log (copied by
0005). Reversing recreates the empty table, which 0005's reverse then fills again."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0005_quiz_log_to_audit_log"),
    ]

    operations = [
        migrations.DeleteModel(
            name="QuizLogEntry",
        ),
    ]
