"""Gives the "Secretariat" group the permissions on the accreditation models.

Reference data, programmes, firms and auditor profiles: add/change/delete/view. History rows,
applications, accreditations and the decisions log: view (and "change" on applications and
accreditations, which opens the review and decision screens, not a raw edit form).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


# Applications, accreditations and the log change only through the decision screens
# (services), never through raw add/edit/delete forms.
NOT_GRANTED = [
    "add_decision",
    "change_decision",
    "delete_decision",
    "add_application",
    "delete_application",
    "add_accreditation",
    "delete_accreditation",
    "add_scopeelement",
    "change_scopeelement",
    "delete_scopeelement",
    "add_scopestatuschange",
    "change_scopestatuschange",
    "delete_scopestatuschange",
    "add_firmstatuschange",
    "change_firmstatuschange",
    "delete_firmstatuschange",
    "add_firmaccreditationperiod",
    "change_firmaccreditationperiod",
    "delete_firmaccreditationperiod",
    "add_applicationstatuschange",
    "change_applicationstatuschange",
    "delete_applicationstatuschange",
    "change_evidence",
    "delete_evidence",
    "add_remindersent",
    "change_remindersent",
    "delete_remindersent",
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat, _ = Group.objects.get_or_create(name="Secretariat")
    permissions = Permission.objects.filter(content_type__app_label="accreditation").exclude(
        codename__in=NOT_GRANTED
    )
    secretariat.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat = Group.objects.filter(name="Secretariat").first()
    if secretariat:
        secretariat.permissions.remove(
            *Permission.objects.filter(content_type__app_label="accreditation")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0003_reference_data"),
        ("lms", "0002_role_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
