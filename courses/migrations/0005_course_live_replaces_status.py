"""Wagtail's ``live`` becomes the one source of truth for a course being published.

The ``status`` column mirrored ``live`` (kept in step by ``save()``); learners saw what
``status`` said, so ``live`` takes its value from it one last time before it goes. New
courses start as drafts (``live`` defaults to False).
"""

from django.db import migrations, models


def live_from_status(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    Course.objects.filter(status="published").update(live=True)
    Course.objects.exclude(status="published").update(live=False)


def status_from_live(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    Course.objects.filter(live=True).update(status="published")
    Course.objects.filter(live=False).update(status="draft")


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_remove_course_prices"),
    ]

    operations = [
        migrations.RunPython(live_from_status, status_from_live),
        migrations.RemoveField(model_name="course", name="status"),
        migrations.AlterField(
            model_name="course",
            name="live",
            field=models.BooleanField(default=False, editable=False, verbose_name="live"),
        ),
    ]
