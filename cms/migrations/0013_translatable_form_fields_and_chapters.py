"""Contact-form fields and chapter markers are translatable: locale and translation key
required, one row per key and language."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


def translatable(model_name: str) -> list:
    return [
        migrations.AlterField(
            model_name=model_name,
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(
            name=model_name, unique_together={("translation_key", "locale")}
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [("cms", "0012_translatable_form_fields_and_chapters_bootstrap")]

    operations = [*translatable("contactformfield"), *translatable("recordingchapter")]
