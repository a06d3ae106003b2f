"""Course prices live in the catalogue only: what the course pages, enrolment and the buy
page show and refuse all come from the same catalogue item."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services as course_services
from courses.pricing import course_prices_for
from courses.selectors import course_price_for, enrol_blockers
from tests.courses.factories import CourseFactory

pytestmark = pytest.mark.django_db


def test_a_course_without_a_catalogue_item_is_free(user):
    course = CourseFactory()
    assert course_price_for(user=user, course=course) is None
    assert course_services.enrollment_self_enrol(user=user, course=course).status == "active"


def test_the_catalogue_price_and_member_price_reach_the_course_pages(client, user, member):
    course = CourseFactory(title="Chain of Custody", price=(20000, 0))
    client.force_login(user)
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Buy the course (EUR 200.00)" in page
    assert "EUR 200.00" in client.get(reverse("courses:catalogue")).content.decode()

    client.force_login(member)
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Enrol for free" in page and "Buy the course" not in page
    assert course_services.enrollment_self_enrol(user=member, course=course).status == "active"


def test_taking_a_course_off_sale_never_makes_it_free(client, user):
    from courses.payments.models import CatalogueItem

    course = CourseFactory(price=(20000, None))
    item = CatalogueItem.objects.get(course=course)
    item.active_until = timezone.localdate() - datetime.timedelta(days=1)
    item.save()

    price = course_price_for(user=user, course=course)
    assert price is not None and not price.on_sale and not price.is_free
    assert "This course is not on sale at the moment." in enrol_blockers(user=user, course=course)
    with pytest.raises(course_services.EnrollmentNotAllowed):
        course_services.enrollment_self_enrol(user=user, course=course)
    client.force_login(user)
    page = client.get(course.get_absolute_url()).content.decode()
    assert "not on sale at the moment" in page and "Buy the course" not in page


def test_the_newest_item_on_sale_sets_the_price(user):
    from tests.payments.factories import CourseItemFactory

    course = CourseFactory(price=(20000, None))
    CourseItemFactory(course=course, price=(25000, None))  # newer: the 2027 price
    assert course_price_for(user=user, course=course).display == "EUR 250.00"


def test_pricing_the_catalogue_page_takes_the_same_queries_for_one_course_or_many(
    user, django_assert_max_num_queries
):
    courses = [CourseFactory(price=(1000 * n, None)) for n in range(1, 9)]
    with django_assert_max_num_queries(2):
        prices = course_prices_for(user=user, courses=courses)
    assert [prices[c.pk].amount for c in courses] == [1000 * n for n in range(1, 9)]


def test_old_course_prices_move_into_the_catalogue():
    """The data migration (payments 0003) turns a course's own price into a catalogue item,
    once. The historical Course model had price fields; a stand-in manager yields a course
    carrying them."""
    import importlib

    from django.apps import apps

    from courses.payments.models import CatalogueItem

    migration = importlib.import_module(
        "courses.payments.migrations.0003_course_prices_into_catalogue"
    )
    course = CourseFactory(title="Legacy")
    course.price, course.member_price, course.price_currency = "120.50", "0", "eur"

    class OldCourses:
        def exclude(self, **kwargs):
            return self

        def __iter__(self):
            return iter([course])

    class HistoricalApps:
        def get_model(self, app_label, name):
            if name == "Course":
                return type("Course", (), {"objects": OldCourses()})
            return apps.get_model(app_label, name)

    migration.forwards(HistoricalApps(), None)
    migration.forwards(HistoricalApps(), None)

    price = CatalogueItem.objects.get(course=course).prices.get()
    assert (price.currency, price.amount, price.member_amount) == ("EUR", 12050, 0)
