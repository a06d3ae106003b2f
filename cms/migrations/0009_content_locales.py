"""The five working languages as Wagtail locales, so that pages and snippets can be
translated into each (wagtail-localize). English exists already (wagtailcore creates the
default language's locale); the others are created if missing, never removed."""

from django.db import migrations

LANGUAGES = ["en", "fr", "zh-hans", "de", "pt-br"]


def create_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for code in LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0008_contact_page"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_locales, migrations.RunPython.noop)]
