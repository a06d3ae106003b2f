"""Gives the secretariat the payments back office: the catalogue, orders and their actions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECRETARIAT_PAYMENTS = [
    "add_catalogueitem",
    "change_catalogueitem",
    "delete_catalogueitem",
    "view_catalogueitem",
    "add_price",
    "change_price",
    "delete_price",
    "view_price",
    "view_order",
    "mark_paid_order",
    "refund_order",
    "cancel_order",
    "view_orderline",
    "view_invoice",
    "view_refund",
    "view_sittingvoucher",
    "view_stripeevent",
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
            content_type__app_label="payments", codename__in=SECRETARIAT_PAYMENTS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat = Group.objects.filter(name="Secretariat").first()
    if secretariat:
        secretariat.permissions.remove(
            *Permission.objects.filter(content_type__app_label="payments")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("lms", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
