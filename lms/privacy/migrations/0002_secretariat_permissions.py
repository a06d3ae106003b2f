"""Gives the secretariat the notices' versions: they publish a new version of the terms or
of the privacy notice (Settings → Policy versions) and see who accepted what."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECRETARIAT_PRIVACY = [
    "add_policyversion",
    "change_policyversion",
    "delete_policyversion",
    "view_policyversion",
    "view_consent",
    "view_retentionrun",
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat, _ = Group.objects.get_or_create(name="Secretariat")
    secretariat.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="privacy", codename__in=SECRETARIAT_PRIVACY
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat = Group.objects.filter(name="Secretariat").first()
    if secretariat:
        secretariat.permissions.remove(
            *Permission.objects.filter(content_type__app_label="privacy")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("lms", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
