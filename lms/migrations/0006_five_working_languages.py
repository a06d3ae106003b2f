"""The five working languages (en, fr, zh-hans, de, pt-br): people who had chosen plain
Portuguese get Brazilian Portuguese, those who had chosen Spanish (no longer offered) get
English. Going back turns pt-br into pt again; the Spanish choice cannot be restored."""

from django.db import migrations, models

FORWARD = {"pt": "pt-br", "es": "en"}
BACKWARD = {"pt-br": "pt"}


def _remap(apps, mapping: dict[str, str]) -> None:
    User = apps.get_model("lms", "User")
    for old, new in mapping.items():
        User.objects.filter(preferred_language=old).update(preferred_language=new)


def forward(apps, schema_editor):
    _remap(apps, FORWARD)


def backward(apps, schema_editor):
    _remap(apps, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0005_digest_sent"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.AlterField(
            model_name="user",
            name="preferred_language",
            field=models.CharField(
                choices=[
                    ("en", "English"),
                    ("fr", "French"),
                    ("zh-hans", "Chinese (Simplified)"),
                    ("de", "German"),
                    ("pt-br", "Portuguese (Brazil)"),
                ],
                default="en",
                max_length=10,
                verbose_name="preferred language",
            ),
        ),
    ]
