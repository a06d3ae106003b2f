from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0006_auditor_pathway_page"),
    ]

    operations = [
        migrations.AddField(
            model_name="learningmodulepage",
            name="knowledge_check_pass_required",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "When ticked, “Mark as complete” waits until the learner has passed every "
                    "knowledge check of the module; otherwise a failed check does not hold them "
                    "back."
                ),
                verbose_name="a pass of the knowledge check is needed to complete",
            ),
        ),
    ]
