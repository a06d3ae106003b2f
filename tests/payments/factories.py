"""Factories for the payments tests: catalogue items with prices."""

import factory

from courses.payments.models import CatalogueItem, Kind, Price
from tests.courses.factories import CourseFactory
from tests.quiz.factories import QuizFactory

# What an invoice checkout posts besides the method: the invoice's addressee.
BILLING = {
    "billing_name": "Bea Buyer Ltd",
    "billing_address": "Hauptstrasse 1\n10115 Berlin",
    "billing_country": "DE",
}


class CatalogueItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogueItem
        skip_postgeneration_save = True

    kind = Kind.FIRM_APPLICATION
    name = factory.Sequence(lambda n: f"Item {n}")

    @factory.post_generation
    def price(obj, create, extracted, **kwargs):
        """price=(amount, member_amount) in EUR cents; price=False for none."""
        if not create or extracted is False:
            return
        amount, member_amount = extracted or (10000, None)
        Price.objects.create(item=obj, currency="EUR", amount=amount, member_amount=member_amount)


class CourseItemFactory(CatalogueItemFactory):
    kind = Kind.COURSE_ENROLMENT
    course = factory.SubFactory(CourseFactory)


class ExamItemFactory(CatalogueItemFactory):
    kind = Kind.EXAM_SITTING
    quiz = factory.SubFactory(QuizFactory, is_exam=True, sitting_fee_required=True)
