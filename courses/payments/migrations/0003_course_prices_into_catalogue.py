"""Moves the prices typed on courses into the price catalogue, the one place prices live.

A course with a price and no course-enrolment item gets one, with its price and member
price in its currency (in cents). The next courses migration removes the course fields.
"""

from decimal import Decimal

from django.db import migrations


def _cents(value):
    if value is None:
        return None
    return int((Decimal(value) * 100).to_integral_value())


def forwards(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    CatalogueItem = apps.get_model("payments", "CatalogueItem")
    Price = apps.get_model("payments", "Price")
    for course in Course.objects.exclude(price=None).exclude(price=0):
        if CatalogueItem.objects.filter(kind="course_enrolment", course=course).exists():
            continue
        item = CatalogueItem.objects.create(
            kind="course_enrolment", name=f"Course: {course.title}", course=course
        )
        Price.objects.create(
            item=item,
            currency=(course.price_currency or "EUR").upper(),
            amount=_cents(course.price),
            member_amount=_cents(course.member_price),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_secretariat_permissions"),
        ("courses", "0003_live_from_status_and_secretariat"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
