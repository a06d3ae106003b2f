"""The moderation workflow (editors submit, the secretariat approves) and the
secretariat's permissions on speakers and learning progress."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WORKFLOW_NAME = "Secretariat approval"
TASK_NAME = "Secretariat approves"
SECRETARIAT_PERMISSIONS = [
    ("cms", "add_person"),
    ("cms", "change_person"),
    ("cms", "delete_person"),
    ("cms", "view_person"),
    ("cms", "view_moduleprogress"),
]


def create_workflow(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    HomePage = apps.get_model("cms", "HomePage")

    secretariat = Group.objects.get(name="Secretariat")
    Group.objects.get_or_create(name="Editors")
    for app_label, codename in SECRETARIAT_PERMISSIONS:
        secretariat.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
    task.groups.add(secretariat)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    home = HomePage.objects.order_by("path").first()
    if home is not None:
        WorkflowPage.objects.update_or_create(page_id=home.pk, defaults={"workflow": workflow})


def remove_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow.objects.filter(name=WORKFLOW_NAME).delete()
    Task.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_content_pages"),
        ("lms", "0002_role_groups"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_workflow, remove_workflow)]
