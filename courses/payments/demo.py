"""Demo price catalogue. Idempotent; skips what the other demos did not create."""

from __future__ import annotations

from courses.payments.models import CatalogueItem, Kind, Price

EXAM_SLUG = "ps-auditor-exam"


def _item(
    *,
    kind: str,
    name: str,
    description: str = "",
    prices: list[tuple[str, int, int | None]],
    **target,
) -> tuple[CatalogueItem, bool]:
    item = CatalogueItem.objects.filter(kind=kind, **target).first()
    created = item is None
    if created:
        item = CatalogueItem(kind=kind, name=name, description=description, **target)
        item.save()
        for currency, amount, member_amount in prices:
            Price.objects.create(
                item=item, currency=currency, amount=amount, member_amount=member_amount
            )
    return item, created


def seed(stdout=None) -> None:
    def say(message: str) -> None:
        if stdout:
            stdout.write(message)

    from courses.quiz.models import Quiz

    exam = Quiz.objects.filter(slug=EXAM_SLUG).first()
    if exam is not None:
        _, created = _item(
            kind=Kind.EXAM_SITTING,
            name=f"Exam sitting: {exam.title}",
            description="One sitting of the final auditor exam.",
            prices=[("EUR", 15000, None)],
            quiz=exam,
        )
        if created:
            say(f"  price: exam sitting {EXAM_SLUG} EUR 150")
        if not exam.sitting_fee_required:  # sold by the sitting: starting it uses one
            exam.sitting_fee_required = True
            exam.save(update_fields=["sitting_fee_required"])
    for kind, name, amount in (
        (Kind.FIRM_APPLICATION, "Audit firm application fee", 150000),
        (Kind.FIRM_RENEWAL, "Audit firm yearly renewal fee", 100000),
    ):
        _, created = _item(kind=kind, name=name, prices=[("EUR", amount, None)])
        if created:
            say(f"  price: {name}")
    from courses.demo import PS_COURSE
    from courses.models import Course

    course = Course.objects.filter(slug=PS_COURSE).first()
    if course is not None:
        _, created = _item(
            kind=Kind.COURSE_ENROLMENT,
            name=f"Course: {course.title}",
            description="The mandatory auditor training; members' staff pay the member price.",
            prices=[("EUR", 45000, 30000)],
            course=course,
        )
        if created:
            say(f"  price: course {course.slug} EUR 450 (members EUR 300)")
