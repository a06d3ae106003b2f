"""Existing courses take Wagtail's ``live`` from their status; the secretariat gets the
permissions it needs to run courses from the Wagtail admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECRETARIAT_COURSES = [
    # model: actions
    ("course", ("add", "change", "delete", "view", "publish")),
    ("module", ("add", "change", "delete", "view")),
    ("lesson", ("add", "change", "delete", "view")),
    ("lessondocument", ("add", "change", "delete", "view")),
    ("assignment", ("add", "change", "delete", "view")),
    ("submission", ("change", "view")),
    ("enrollment", ("view",)),
    ("coursecompletion", ("view",)),
    ("certificate", ("change", "view")),
]


def forwards(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    Course.objects.filter(status="published").update(live=True)
    Course.objects.exclude(status="published").update(live=False)

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Wagtail adds "publish" for draftable snippets after migrating; we need it now.
    Permission.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Course),
        codename="publish_course",
        defaults={"name": "Can publish course"},
    )
    secretariat, _ = Group.objects.get_or_create(name="Secretariat")
    codenames = [
        f"{action}_{model}" for model, actions in SECRETARIAT_COURSES for action in actions
    ]
    secretariat.permissions.add(
        *Permission.objects.filter(content_type__app_label="courses", codename__in=codenames)
    )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat = Group.objects.filter(name="Secretariat").first()
    if secretariat is not None:
        secretariat.permissions.remove(
            *Permission.objects.filter(content_type__app_label="courses")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_structure_learning_assignments"),
        ("lms", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
