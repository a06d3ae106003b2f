"""Learner pages name choices and matching options by per-response random tokens.

Responses created before this migration get their tokens here, so attempts in progress
keep working (their stored answers are bank indexes and stay valid) and finished ones
still render. Attempts in progress also get their matching options reshuffled: before,
options followed the quiz's shuffle setting, so "prompt i goes with option i" could be
right. Self-contained on purpose: it does not import the app's code.
"""

import random
import secrets

from django.db import migrations, models

BATCH = 500


def _tokens(count):
    tokens = []
    while len(tokens) < count:
        token = secrets.token_urlsafe(9)
        if token not in tokens:
            tokens.append(token)
    return tokens


def assign_tokens(apps, schema_editor):
    Response = apps.get_model("quiz", "Response")
    rng = random.SystemRandom()
    pks = list(Response.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        changed = []
        batch = Response.objects.filter(pk__in=pks[start : start + BATCH]).select_related("attempt")
        for response in batch:
            snapshot = response.snapshot or {}
            order = list(response.choice_order or [])
            if snapshot.get("qtype") == "matching" and response.attempt.status == "in_progress":
                rng.shuffle(order)
            prompts = len(snapshot.get("prompts") or [])
            if (
                order == response.choice_order
                and len(response.choice_tokens or []) == len(order)
                and len(response.prompt_tokens or []) == prompts
            ):
                continue
            response.choice_order = order
            response.choice_tokens = _tokens(len(order))
            response.prompt_tokens = _tokens(prompts)
            changed.append(response)
        Response.objects.bulk_update(changed, ["choice_order", "choice_tokens", "prompt_tokens"])


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0003_secretariat_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="choice_tokens",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="response",
            name="prompt_tokens",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name="quiz",
            name="shuffle_answers",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Exams always shuffle choices, and matching options are always shuffled, "
                    "so that the order never gives an answer away."
                ),
                verbose_name="shuffle choices",
            ),
        ),
        migrations.RunPython(assign_tokens, migrations.RunPython.noop),
    ]
