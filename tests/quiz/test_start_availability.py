"""May a person start a quiz now? ``selectors.start_availability`` answers it before the
attempt (the start page shows the rules, the reason and when to come back, with the start
button disabled) and ``services.attempt_start`` refuses with the very same reason."""

import datetime
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from courses.quiz import extensions, selectors, services
from courses.quiz.exceptions import (
    AttemptDelayNotElapsed,
    AttemptLimitReached,
    NoSittingAvailable,
    QuizNotAvailable,
    StartRefused,
)
from courses.quiz.models import Attempt, AttemptStatus, SittingStatus
from courses.quiz.selectors import StartBlock, start_availability
from tests.quiz.factories import quiz_with, single_choice

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 6, 14, 30, tzinfo=datetime.UTC)
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _take(user, quiz, at):
    """One attempt started and submitted at ``at``."""
    attempt = services.attempt_start(user=user, quiz=quiz, now=at)
    return services.attempt_submit(attempt=attempt, now=at)


def _refusal(callable_, exc_type):
    with pytest.raises(exc_type) as refused:
        callable_()
    return refused.value


# --- the selector and the service agree, rule by rule -------------------------------------


def test_delay_between_attempts_says_when_the_next_attempt_may_start(user):
    quiz = quiz_with(single_choice(), attempt_delay_minutes=24 * 60)
    _take(user, quiz, NOW)
    later = NOW + datetime.timedelta(hours=23)

    with timezone.override(PARIS):
        availability = start_availability(user=user, quiz=quiz, now=later)
        refusal = _refusal(
            lambda: services.attempt_start(user=user, quiz=quiz, now=later),
            AttemptDelayNotElapsed,
        )

    assert not availability.can_start and availability.reason == StartBlock.DELAY
    assert availability.next_start_at == NOW + datetime.timedelta(hours=24)
    assert availability.message == (
        "You must wait 1 day between attempts. You can start again on Dec. 7, 2026 at 15:30."
    )
    assert refusal.message == availability.message
    assert refusal.available_at == availability.next_start_at
    assert start_availability(
        user=user, quiz=quiz, now=NOW + datetime.timedelta(hours=24)
    ).can_start
    assert services.attempt_start(user=user, quiz=quiz, now=NOW + datetime.timedelta(hours=24))


def test_delay_that_ends_after_the_quiz_closes_says_no_further_attempt(user):
    quiz = quiz_with(
        single_choice(), attempt_delay_minutes=120, close_at=NOW + datetime.timedelta(hours=1)
    )
    _take(user, quiz, NOW)

    availability = start_availability(user=user, quiz=quiz, now=NOW)

    assert availability.reason == StartBlock.DELAY and availability.next_start_at is None
    assert "the quiz closes before then: no further attempt is possible" in availability.message


def test_attempt_limit_counts_the_attempts_used_and_left(user):
    quiz = quiz_with(single_choice(), max_attempts=2)
    before = start_availability(user=user, quiz=quiz, now=NOW)
    assert before.can_start and (before.attempts_used, before.attempts_left) == (0, 2)
    _take(user, quiz, NOW)
    _take(user, quiz, NOW)

    availability = start_availability(user=user, quiz=quiz, now=NOW)
    refusal = _refusal(
        lambda: services.attempt_start(user=user, quiz=quiz, now=NOW), AttemptLimitReached
    )

    assert availability.reason == StartBlock.LIMIT and availability.attempts_left == 0
    assert availability.message == "You have used all the attempts allowed for this quiz."
    assert refusal.message == availability.message


def test_open_and_close_dates_are_given_with_the_time(user):
    quiz = quiz_with(
        single_choice(),
        open_at=NOW + datetime.timedelta(days=1),
        close_at=NOW + datetime.timedelta(days=2),
    )
    early = start_availability(user=user, quiz=quiz, now=NOW)
    late = start_availability(user=user, quiz=quiz, now=NOW + datetime.timedelta(days=3))
    refusal = _refusal(
        lambda: services.attempt_start(user=user, quiz=quiz, now=NOW), QuizNotAvailable
    )

    assert early.reason == StartBlock.NOT_YET_OPEN
    assert early.message == "This quiz opens on Dec. 7, 2026 at 14:30."
    assert early.next_start_at == quiz.open_at and refusal.message == early.message
    assert late.reason == StartBlock.CLOSED and late.next_start_at is None
    assert late.message == "This quiz closed on Dec. 8, 2026 at 14:30."


def test_a_paid_exam_without_a_sitting_is_refused_until_one_is_granted(user):
    quiz = quiz_with(single_choice(), sitting_fee_required=True)

    availability = start_availability(user=user, quiz=quiz, now=NOW)
    refusal = _refusal(
        lambda: services.attempt_start(user=user, quiz=quiz, now=NOW), NoSittingAvailable
    )

    assert availability.reason == StartBlock.SITTING and availability.sittings_available == 0
    assert refusal.message == availability.message
    services.sitting_grant(user=user, quiz=quiz, source="test")
    assert start_availability(user=user, quiz=quiz, now=NOW).can_start
    attempt = services.attempt_start(user=user, quiz=quiz, now=NOW)
    assert attempt.sitting.status == SittingStatus.USED


def test_a_refusal_from_an_app_above_the_engine_is_the_reason(user):
    quiz = quiz_with(single_choice())

    def refuse(user, quiz):
        return "Finish the course first."

    with hooks.register_temporarily(extensions.START_REFUSAL_HOOK, refuse):
        availability = start_availability(user=user, quiz=quiz, now=NOW)
        refusal = _refusal(
            lambda: services.attempt_start(user=user, quiz=quiz, now=NOW), StartRefused
        )

    assert availability.reason == StartBlock.REFUSED
    assert availability.message == refusal.message == "Finish the course first."


def test_an_attempt_in_progress_is_continued_and_an_overdue_one_is_not_submitted_by_reading(
    user,
):
    quiz = quiz_with(single_choice(), time_limit_minutes=10, attempt_delay_minutes=60)
    attempt = services.attempt_start(user=user, quiz=quiz, now=NOW)

    running = start_availability(user=user, quiz=quiz, now=NOW + datetime.timedelta(minutes=5))
    assert running.reason == StartBlock.IN_PROGRESS and running.in_progress == attempt

    # Time ran out while the learner was away: the delay counts from the deadline, and
    # asking changes nothing (reads never write).
    overdue = start_availability(user=user, quiz=quiz, now=NOW + datetime.timedelta(minutes=30))
    assert overdue.reason == StartBlock.DELAY
    assert overdue.next_start_at == attempt.deadline + datetime.timedelta(minutes=60)
    assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.IN_PROGRESS


def test_anonymous_visitors_are_asked_to_sign_in_but_see_the_dates(db):
    from django.contrib.auth.models import AnonymousUser

    quiz = quiz_with(single_choice(), open_at=NOW + datetime.timedelta(days=1))
    assert start_availability(user=AnonymousUser(), quiz=quiz, now=NOW).reason == (
        StartBlock.NOT_YET_OPEN
    )
    quiz.open_at = None
    assert start_availability(user=AnonymousUser(), quiz=quiz, now=NOW).reason == (
        StartBlock.SIGN_IN
    )


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(1, "1 minute"), (90, "90 minutes"), (60, "1 hour"), (180, "3 hours"), (2880, "2 days")],
)
def test_delays_are_said_in_their_largest_whole_unit(minutes, text):
    assert selectors.duration_text(minutes) == text


# --- the start page -----------------------------------------------------------------------


def test_the_start_page_states_the_rules_before_the_first_attempt(member, member_client):
    quiz = quiz_with(
        single_choice(), max_attempts=3, attempt_delay_minutes=24 * 60, time_limit_minutes=20
    )

    page = member_client.get(quiz.get_absolute_url()).content.decode()

    assert "You may take this quiz 3 times. 0 used, 3 left." in page
    assert "After an attempt you must wait 1 day before starting the next." in page
    assert reverse("quiz:start", args=[quiz.slug]) in page
    assert "The clock starts now and cannot be paused" in page
    assert "disabled" not in page


def test_during_the_delay_the_page_gives_the_time_and_disables_the_start(member, member_client):
    quiz = quiz_with(single_choice(), attempt_delay_minutes=24 * 60, time_limit_minutes=20)
    now = timezone.now()
    _take(member, quiz, now - datetime.timedelta(hours=1))
    availability = start_availability(user=member, quiz=quiz)

    page = member_client.get(quiz.get_absolute_url()).content.decode()

    assert availability.reason == StartBlock.DELAY
    assert availability.message in page and availability.next_start_text in page
    assert "You can start again on" in page
    assert 'disabled aria-describedby="start-blocked"' in page
    # no form to post, so the "clock starts now" question is never asked
    assert reverse("quiz:start", args=[quiz.slug]) not in page
    assert "The clock starts now" not in page
    # a start posted anyway (an old tab) is refused with the same words
    response = member_client.post(reverse("quiz:start", args=[quiz.slug]))
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == [availability.message]
    assert Attempt.objects.filter(user=member, quiz=quiz).count() == 1


def test_a_closed_quiz_page_says_when_it_opens_and_disables_the_start(member, member_client):
    opens = timezone.now() + datetime.timedelta(days=2)
    quiz = quiz_with(single_choice(), open_at=opens)

    page = member_client.get(quiz.get_absolute_url()).content.decode()

    assert f"This quiz opens on {selectors.moment_text(opens)}." in page
    assert "disabled" in page and reverse("quiz:start", args=[quiz.slug]) not in page


def test_a_paid_exam_page_without_a_sitting_disables_the_start(member, member_client):
    quiz = quiz_with(single_choice(), sitting_fee_required=True)

    page = member_client.get(quiz.get_absolute_url()).content.decode()

    assert "This exam needs a paid sitting, and you have none available." in page
    assert "Sittings are not on sale at the moment" in page
    assert 'disabled aria-describedby="start-blocked"' in page


def test_the_page_offers_to_continue_an_attempt_in_progress(member, member_client):
    quiz = quiz_with(single_choice())
    attempt = services.attempt_start(user=member, quiz=quiz)

    page = member_client.get(quiz.get_absolute_url()).content.decode()

    assert "Continue your attempt" in page
    assert reverse("quiz:attempt", args=[attempt.pk]) in page
