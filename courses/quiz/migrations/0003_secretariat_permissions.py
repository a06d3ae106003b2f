"""Gives the Secretariat group the quiz engine's model permissions (it runs the bank,
quizzes, overrides, sittings and marking from the Wagtail admin)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FULL = ["add", "change", "delete", "view"]
#: Attempts and the log are written only by the services (learners, marking): staff view
#: them, and change a response only by marking an essay.
PERMISSIONS = {
    "questionbank": FULL,
    "questioncategory": FULL,
    "question": FULL,
    "answer": FULL,
    "quiz": FULL,
    "quizslot": FULL,
    "quizoverride": FULL,
    "examsitting": ["add", "view"],
    "attempt": ["view"],
    "response": ["view", "change"],
    "quizlogentry": ["view"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat, _ = Group.objects.get_or_create(name="Secretariat")
    codenames = [
        f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions
    ]
    secretariat.permissions.add(
        *Permission.objects.filter(content_type__app_label="quiz", codename__in=codenames)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Secretariat"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="quiz"))


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0002_engine"),
        ("lms", "0002_role_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
