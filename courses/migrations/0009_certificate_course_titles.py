"""Certificates keep the course's title in each language the course was translated into,
so that a French reader reads the French title. Certificates issued before get the
translations the course has now."""

from django.db import migrations, models


def fill_titles(apps, schema_editor):
    Certificate = apps.get_model("courses", "Certificate")
    CourseText = apps.get_model("courses", "CourseText")
    english = "en"
    by_course: dict[int, dict[str, str]] = {}
    for course_id, language, title in CourseText.objects.exclude(
        locale__language_code=english
    ).values_list("course_id", "locale__language_code", "title"):
        if title:
            by_course.setdefault(course_id, {})[language] = title
    changed = []
    for certificate in Certificate.objects.select_related("completion"):
        titles = by_course.get(certificate.completion.course_id)
        if titles:
            certificate.course_titles = titles
            changed.append(certificate)
    Certificate.objects.bulk_update(changed, ["course_titles"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("courses", "0008_course_text_permissions")]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="course_titles",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(fill_titles, migrations.RunPython.noop),
    ]
