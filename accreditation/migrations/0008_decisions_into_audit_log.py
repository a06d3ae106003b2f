"""Copies the decisions log into Wagtail's audit log (``wagtailcore.ModelLogEntry``).

Each ``Decision`` row becomes one entry about its most specific object (the accreditation,
else the application, else the firm), as ``accreditation.services.record_decision`` writes
them: the same time and actor, the action code (namespaced under ``accreditation.``), and
in ``data`` the old payload, the reason and the ids of all three objects. The scope status
changes a decision made are named in ``data["scope_changes"]``, so that going back restores
that link too. ``0009_remove_decision`` then drops the table.

Backwards: every entry with one of these actions becomes a ``Decision`` row again (in time
order), its scope status changes are linked to it again, and the entry is removed.
"""

from collections import defaultdict

from django.db import migrations

NAMESPACED = {
    "application.rejected": "accreditation.application.rejected",
    "evidence.accepted": "accreditation.evidence.accepted",
    "evidence.rejected": "accreditation.evidence.rejected",
    "firm.granted": "accreditation.firm.granted",
    "firm.renewed": "accreditation.firm.renewed",
    "firm.suspended": "accreditation.firm.suspended",
    "firm.reinstated": "accreditation.firm.reinstated",
    "firm.withdrawn": "accreditation.firm.withdrawn",
}
UNCHANGED = [
    "accreditation.granted",
    "accreditation.suspended",
    "accreditation.reinstated",
    "accreditation.withdrawn",
    "accreditation.scope.reduced",
    "accreditation.renewed",
    "accreditation.expired",
    "accreditation.imported",
]
OLD_TO_NEW = {**NAMESPACED, **{code: code for code in UNCHANGED}}
NEW_TO_OLD = {new: old for old, new in OLD_TO_NEW.items()}
IDS = ("accreditation", "application", "firm")


def _person(profile) -> str:
    user = profile.user
    return user.full_name or user.email


def _version(version) -> str:
    return f"{version.standard.code} {version.version}"


def _label(decision) -> str:
    """``str()`` of the object, as the models define it (historical models have no
    ``__str__``)."""
    if decision.accreditation_id:
        accreditation = decision.accreditation
        return (
            f"{_person(accreditation.auditor)} – {_version(accreditation.standard_version)}"
            f" via {accreditation.firm.name}"
        )
    if decision.application_id:
        application = decision.application
        return f"{_person(application.auditor)} – {_version(application.standard_version)}"
    return decision.firm.name


def decisions_to_log(apps, schema_editor):
    Decision = apps.get_model("accreditation", "Decision")
    ScopeStatusChange = apps.get_model("accreditation", "ScopeStatusChange")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = {
        name: ContentType.objects.get_or_create(app_label="accreditation", model=name)[0]
        for name in ("accreditation", "application", "auditfirm")
    }
    changes = defaultdict(list)
    for change_pk, decision_pk in (
        ScopeStatusChange.objects.filter(decision__isnull=False)
        .order_by("pk")
        .values_list("pk", "decision_id")
    ):
        changes[decision_pk].append(change_pk)
    decisions = Decision.objects.select_related(
        "accreditation__auditor__user",
        "accreditation__standard_version__standard",
        "accreditation__firm",
        "application__auditor__user",
        "application__standard_version__standard",
        "firm",
    ).order_by("pk")
    entries = []
    for decision in decisions.iterator(chunk_size=2000):
        if decision.accreditation_id:
            kind, object_id = "accreditation", decision.accreditation_id
        elif decision.application_id:
            kind, object_id = "application", decision.application_id
        else:
            kind, object_id = "auditfirm", decision.firm_id
        data = {
            **(decision.payload or {}),
            "reason": decision.reason,
            "accreditation": decision.accreditation_id,
            "application": decision.application_id,
            "firm": decision.firm_id,
        }
        if changes.get(decision.pk):
            data["scope_changes"] = changes[decision.pk]
        entries.append(
            ModelLogEntry(
                content_type=content_types[kind],
                object_id=str(object_id),
                label=_label(decision),
                action=OLD_TO_NEW.get(decision.action, decision.action),
                timestamp=decision.at,
                user_id=decision.actor_id,
                data=data,
            )
        )
    ModelLogEntry.objects.bulk_create(entries, batch_size=2000)


def log_to_decisions(apps, schema_editor):
    Decision = apps.get_model("accreditation", "Decision")
    ScopeStatusChange = apps.get_model("accreditation", "ScopeStatusChange")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    entries = ModelLogEntry.objects.filter(action__in=list(NEW_TO_OLD)).order_by("timestamp", "pk")
    for entry in entries.iterator(chunk_size=2000):
        data = dict(entry.data or {})
        reason = data.pop("reason", "")
        ids = {name: data.pop(name, None) for name in IDS}
        scope_changes = data.pop("scope_changes", [])
        decision = Decision.objects.create(
            action=NEW_TO_OLD[entry.action],
            actor_id=entry.user_id,
            reason=reason,
            payload=data,
            accreditation_id=ids["accreditation"],
            application_id=ids["application"],
            firm_id=ids["firm"],
        )
        Decision.objects.filter(pk=decision.pk).update(at=entry.timestamp)  # not auto_now_add
        if scope_changes:
            ScopeStatusChange.objects.filter(pk__in=scope_changes).update(decision=decision)
    entries.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0007_evidence_private_storage"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(decisions_to_log, log_to_decisions)]
