"""The quiz engine's own log moves into the one audit log (Wagtail's ``ModelLogEntry``).

Each ``QuizLogEntry`` becomes one entry about its attempt, else its quiz, else the question
bank its payload names (an import), with the action namespaced (``attempt.started`` ->
``quiz.attempt.started``), the time (``at``), the actor, and data holding the quiz and
attempt ids, the payload (the learner of a sitting event, ``user``, is now ``learner``: the
entry's own ``user`` is who acted) and the reason. The next migration removes the old table.
Reversing copies the ``quiz.*`` entries back and removes them from the audit log.
Self-contained on purpose: it does not import the app's code.
"""

from django.db import migrations

PREFIX = "quiz."
BATCH = 500


def _label(model_name, row, users):
    """What ``str()`` of the object says today (the entry's ``label``)."""
    if model_name == "attempt":
        user = users.get(row.user_id)
        person = (user.full_name or user.email) if user else ""
        return f"{row.quiz.title} #{row.number} ({person})"
    if model_name == "quiz":
        return row.title
    return row.name


def forwards(apps, schema_editor):
    QuizLogEntry = apps.get_model("quiz", "QuizLogEntry")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    User = apps.get_model("lms", "User")
    models = {
        "attempt": apps.get_model("quiz", "Attempt"),
        "quiz": apps.get_model("quiz", "Quiz"),
        "questionbank": apps.get_model("quiz", "QuestionBank"),
    }
    content_types = {
        name: ContentType.objects.get_or_create(app_label="quiz", model=name)[0] for name in models
    }
    users = {}
    entries = QuizLogEntry.objects.order_by("pk")
    for start in range(0, entries.count(), BATCH):
        new = []
        for old in entries[start : start + BATCH]:
            payload = dict(old.payload or {})
            if "user" in payload:
                payload["learner"] = payload.pop("user")
            if old.attempt_id:
                model_name, object_id = "attempt", old.attempt_id
            elif old.quiz_id:
                model_name, object_id = "quiz", old.quiz_id
            elif payload.get("bank"):
                model_name, object_id = "questionbank", payload["bank"]
            else:
                raise RuntimeError(
                    f"Quiz log entry {old.pk} ({old.action}) names no attempt, quiz or bank."
                )
            row = models[model_name].objects.filter(pk=object_id).first()
            if model_name == "attempt" and row is not None and row.user_id not in users:
                users[row.user_id] = User.objects.filter(pk=row.user_id).first()
            data = {"quiz": old.quiz_id, "attempt": old.attempt_id, **payload}
            if old.reason:
                data["reason"] = old.reason
            new.append(
                ModelLogEntry(
                    content_type=content_types[model_name],
                    object_id=str(object_id),
                    label=_label(model_name, row, users) if row is not None else str(object_id),
                    action=PREFIX + old.action,
                    timestamp=old.at,
                    user_id=old.actor_id,
                    data=data,
                )
            )
        ModelLogEntry.objects.bulk_create(new)


def backwards(apps, schema_editor):
    QuizLogEntry = apps.get_model("quiz", "QuizLogEntry")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    Quiz = apps.get_model("quiz", "Quiz")
    Attempt = apps.get_model("quiz", "Attempt")
    # keep each entry's own time, not the time of this reversal
    QuizLogEntry._meta.get_field("at").auto_now_add = False
    entries = ModelLogEntry.objects.filter(action__startswith=PREFIX).order_by("pk")
    quiz_ids = set(Quiz.objects.values_list("pk", flat=True))
    attempt_ids = set(Attempt.objects.values_list("pk", flat=True))
    old = []
    for entry in entries:
        payload = dict(entry.data or {})
        quiz_id = payload.pop("quiz", None)
        attempt_id = payload.pop("attempt", None)
        reason = payload.pop("reason", "")
        if "learner" in payload:
            payload["user"] = payload.pop("learner")
        old.append(
            QuizLogEntry(
                action=entry.action[len(PREFIX) :],
                actor_id=entry.user_id,
                at=entry.timestamp,
                quiz_id=quiz_id if quiz_id in quiz_ids else None,
                attempt_id=attempt_id if attempt_id in attempt_ids else None,
                reason=reason,
                payload=payload,
            )
        )
    QuizLogEntry.objects.bulk_create(old, batch_size=BATCH)
    entries.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0004_opaque_answer_tokens"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("lms", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
