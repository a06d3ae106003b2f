"""Course prices now live in the payments price catalogue only (moved by payments 0003)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_live_from_status_and_secretariat"),
        ("payments", "0003_course_prices_into_catalogue"),
    ]

    operations = [
        migrations.RemoveField(model_name="course", name="member_price"),
        migrations.RemoveField(model_name="course", name="price"),
        migrations.RemoveField(model_name="course", name="price_currency"),
    ]
