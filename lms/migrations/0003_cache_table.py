"""Creates the database cache table (``lms_cache``), so a migrated database serves.

Without Redis the cache lives in this table (allauth's rate limits, the public register):
before this migration, ``migrate`` alone left every register page failing with
"no such table: lms_cache" until ``createcachetable`` was run by hand. Running it here
makes the table part of migrating. ``createcachetable`` skips tables that exist, so this
is safe on databases that already have it; with the Redis cache it creates nothing.
Reversing leaves the table alone (it holds nothing that must be kept or removed).
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False),
    ]
