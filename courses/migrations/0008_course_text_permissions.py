"""The secretariat translates courses (the course translation snippets) and submits
pages and snippets for translation (wagtail-localize's "Translate" and PO files)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ("coursetext", "moduletext", "lessontext")
ACTIONS = ("add", "change", "delete", "view")


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat, _ = Group.objects.get_or_create(name="Secretariat")
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
    secretariat.permissions.add(
        *Permission.objects.filter(content_type__app_label="courses", codename__in=codenames),
        *Permission.objects.filter(
            content_type__app_label="wagtail_localize", codename="submit_translation"
        ),
    )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat = Group.objects.filter(name="Secretariat").first()
    if secretariat is not None:
        secretariat.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="courses", codename__contains="text"
            ).filter(codename__in=[f"{a}_{m}" for m in MODELS for a in ACTIONS]),
            *Permission.objects.filter(
                content_type__app_label="wagtail_localize", codename="submit_translation"
            ),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0007_course_texts"),
        ("lms", "0002_role_groups"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
