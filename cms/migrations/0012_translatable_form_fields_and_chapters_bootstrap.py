"""Contact-form fields and recording chapter markers become translatable with their page
(Wagtail's "Adding TranslatableMixin to an existing model"): the locale and translation
key are added empty, then filled. Each row takes its page's locale. Rows of the pages in
the default language get new keys; the rows of a page's translations (copies made when the
page was translated) take the key of the source page's row at the same place, so that
wagtail-localize matches them from now on. 0013 makes both fields required and unique
together."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CHILD_MODELS = ("ContactFormField", "RecordingChapter")


def link_rows(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Locale = apps.get_model("wagtailcore", "Locale")
    default_locale = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
    for name in CHILD_MODELS:
        Model = apps.get_model("cms", name)
        rows_by_page: dict[int, list] = {}
        for row in Model.objects.order_by("page_id", "sort_order", "pk"):
            rows_by_page.setdefault(row.page_id, []).append(row)
        if not rows_by_page:
            continue
        pages = Page.objects.filter(pk__in=rows_by_page).values_list(
            "pk", "locale_id", "translation_key"
        )
        groups: dict = {}
        locale_of: dict[int, int] = {}
        for pk, locale_id, key in pages:
            groups.setdefault(key, []).append(pk)
            locale_of[pk] = locale_id
        changed = []
        for page_ids in groups.values():
            # The source: the page in the default language, else the oldest.
            page_ids.sort(
                key=lambda pk: (default_locale is None or locale_of[pk] != default_locale.pk, pk)
            )
            source_keys = [uuid.uuid4() for _row in rows_by_page[page_ids[0]]]
            for page_id in page_ids:
                for index, row in enumerate(rows_by_page[page_id]):
                    row.locale_id = locale_of[page_id]
                    row.translation_key = (
                        source_keys[index] if index < len(source_keys) else uuid.uuid4()
                    )
                    changed.append(row)
        Model.objects.bulk_update(changed, ["locale", "translation_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0011_person_translatable"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactformfield",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
            ),
        ),
        migrations.AddField(
            model_name="contactformfield",
            name="translation_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="recordingchapter",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
            ),
        ),
        migrations.AddField(
            model_name="recordingchapter",
            name="translation_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(link_rows, migrations.RunPython.noop),
    ]
