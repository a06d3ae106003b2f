"""The one audit log: Wagtail's log entries, with every action registered.

Every mutation that matters (a decision about a person, an exam event, a payment, a
voucher, an import) writes exactly one entry through :func:`record`. Entries land in
Wagtail's ``ModelLogEntry`` table (pages in ``PageLogEntry``), so staff read them in one
place, the admin's *Reports → Site history*, filtered by action, user, date and object
type, and on each object's own history. Dated status-history tables that the domain
needs (an application's status changes, a firm's periods, an order's status rows) stay
as they are: they answer "what was true on a date"; this log answers "who did what, when
and why".

Each app registers its action codes and labels in its ``wagtail_hooks.py`` with the
``register_log_actions`` hook; :func:`record` refuses an unregistered code, so a typo
cannot write an entry nobody can filter on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone
from wagtail.log_actions import get_active_log_context, registry
from wagtail.models import ModelLogEntry


class UnregisteredAction(LookupError):
    """An action code that no app registered with ``register_log_actions``."""


_batch: ContextVar[list | None] = ContextVar("lms_audit_batch", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Entries recorded inside the block are written together, in one INSERT, when it ends
    without an error. Use it inside the transaction of a change that writes several entries
    (an exam submit writes its status move and its submission): one query instead of one
    per entry. Page log entries are written at once as usual; an error inside the block
    writes nothing (the transaction around it rolls back anyway)."""
    entries: list = []
    token = _batch.set(entries)
    try:
        yield
    finally:
        _batch.reset(token)
    if entries:
        _insert(entries)


def _insert(entries: list[ModelLogEntry]) -> None:
    """Writes ``entries`` in one INSERT and sets their primary keys: what
    ``bulk_create`` writes, without its per-call preparation, which cost an exam submit
    (two entries) more Python than the statement took in PostgreSQL
    (tests/perf/RESULTS-exam.md). Values go through each field's ``get_db_prep_save``, so
    they are stored as ``save()`` stores them."""
    if not connection.features.can_return_rows_from_bulk_insert:
        ModelLogEntry.objects.bulk_create(entries)
        return
    meta = ModelLogEntry._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [
        field.get_db_prep_save(field.pre_save(entry, add=True), connection)
        for entry in entries
        for field in fields
    ]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"  # noqa: S608
        f" VALUES {', '.join([row] * len(entries))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {quote(meta.pk.column)}", params)
        for entry, (pk,) in zip(entries, cursor.fetchall(), strict=True):
            entry.pk = pk
    for entry in entries:
        entry._state.adding = False


def record(
    action: str,
    *,
    instance: models.Model,
    user: Any = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    title: str = "",
):
    """Write one audit entry about ``instance`` and return it.

    ``user`` is the person who acted (``None`` for the system: a daily job, an import, a
    provider's webhook); ``reason`` is the free-text why, kept in ``data["reason"]``;
    ``data`` holds JSON-serialisable facts (primary keys, amounts, codes, before/after).
    """
    if not registry.action_exists(action):
        raise UnregisteredAction(f"Audit action {action!r} is not registered.")
    payload: dict[str, Any] = dict(data or {})
    if reason:
        payload["reason"] = str(reason)
    kwargs: dict[str, Any] = {"data": payload}
    if title:
        kwargs["title"] = title[:255]
    # Wagtail's ``log()`` falls back to the request's user when ``user`` is None; a system
    # event (an expiry swept during a page view, a webhook) must not be claimed for
    # whoever happens to be signed in, so the entry is written through the manager.
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    log_entry_model = registry.get_log_model_for_instance(instance)
    if log_entry_model is not ModelLogEntry:
        return log_entry_model.objects.log_action(
            instance, action, user=actor, uuid=get_active_log_context().uuid, **kwargs
        )
    # What ``ModelLogEntryManager.log_action`` writes, inserted without its ``save()``:
    # that runs ``full_clean()``, whose only checks here are two existence queries (the
    # content type and the user, both just read) and the action's registration (checked
    # above). Two queries fewer on every audited write; an exam submit writes two entries.
    entry = ModelLogEntry(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        label=(kwargs.get("title") or ModelLogEntry.objects.get_instance_title(instance))[:255],
        action=action,
        timestamp=timezone.now(),
        data=payload,
        user=actor,
        uuid=get_active_log_context().uuid,
        object_id=str(instance.pk),
    )
    pending = _batch.get()
    if pending is not None:
        pending.append(entry)
    else:
        _insert([entry])
    return entry


def entries_for(instance: models.Model):
    """The audit entries about ``instance``, newest first."""
    return registry.get_logs_for_instance(instance).order_by("-timestamp", "-pk")
