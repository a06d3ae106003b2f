"""Learner pages of the quiz engine. Each view calls one service or selector.

An attempt is only ever looked up together with its owner, so another person's attempt
is a 404. Every answer save is its own POST (the form works without JavaScript; with it,
quiz.js saves each change through ``attempt_save``, which answers JSON).

A refusal of the engine (a ``QuizError``) is shown with ``lms.errors.show_refusal`` on the
HTML pages, and as ``{"ok": false, "error": message}`` by the JSON endpoints. Numbers the
page sends back (page, question position, answer version) are read by ``whole_number``:
anything else is None, never an exception.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses.quiz import grading, languages, origins, selectors, services
from courses.quiz.exceptions import (
    AttemptClosed,
    DeadlinePassed,
    InvalidAnswer,
    QuizError,
    StaleAnswer,
)
from courses.quiz.models import Attempt, AttemptStatus, Quiz, Response
from courses.quiz.presenters import answer_from_post, question_view, review_view
from courses.quiz.records import essay_feedback
from lms.errors import show_refusal


def whole_number(value) -> int | None:
    """A number the page sent back (``"3"``) as an int; None when it is missing or is not a
    whole number (an out-of-date page, a hand-made request)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _own_attempt(request: HttpRequest, pk: int) -> Attempt:
    return get_object_or_404(Attempt.objects.select_related("quiz"), pk=pk, user=request.user)


def _close_if_overdue(attempt: Attempt) -> Attempt:
    """The server decides time: an attempt past its deadline is submitted on sight."""
    if attempt.is_in_progress and attempt.deadline and timezone.now() >= attempt.deadline:
        return services.attempt_submit(attempt=attempt, auto=True)
    return attempt


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The quiz's start page: the rules before any attempt, and whether (and when) the
    person may start one (``selectors.start_availability``, which the start obeys)."""
    quiz = get_object_or_404(Quiz, slug=slug)
    availability = selectors.start_availability(user=request.user, quiz=quiz)
    origin = origins.resolve(quiz=quiz, origin=request.GET.get("from"))
    context = {
        "quiz": quiz,
        "question_count": _question_count(quiz),
        "availability": availability,
        "origin": origin,
        "start_url": reverse("quiz:start", args=[quiz.slug]),
    }
    offered = languages.offered_languages(quiz=quiz)
    if len(offered) > 1:
        context.update(
            exam_languages=[(code, languages.local_name(code)) for code in offered],
            proposed_language=languages.preferred_start_language(
                quiz=quiz, user=request.user, offered=offered, active=get_language()
            ),
        )
    if request.user.is_authenticated:
        attempts = list(Attempt.objects.filter(user=request.user, quiz=quiz).order_by("number"))
        context.update(
            attempts=[(a, selectors.review_options(attempt=a)) for a in attempts],
            override=selectors.user_override(user=request.user, quiz=quiz),
        )
    return render(request, "quiz/detail.html", context)


def _question_count(quiz: Quiz) -> int:
    return sum(1 if s.question_id else s.draw_count for s in quiz.slots.all())


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = get_object_or_404(Quiz, slug=slug)
    origin = origins.resolve(quiz=quiz, origin=request.POST.get("from"))
    try:
        attempt = services.attempt_start(
            user=request.user,
            quiz=quiz,
            origin=origin.token if origin else "",
            language=request.POST.get("language") or None,
        )
    except QuizError as refusal:
        show_refusal(request, refusal)
        return redirect(origins.with_origin(quiz.get_absolute_url(), origin))
    return redirect("quiz:attempt", pk=attempt.pk)


def _origin_context(attempt: Attempt) -> dict:
    """The link back to where the attempt was opened from, and to the quiz page with it."""
    origin = origins.resolve(quiz=attempt.quiz, origin=attempt.origin)
    return {
        "origin": origin,
        "quiz_url": origins.with_origin(attempt.quiz.get_absolute_url(), origin),
    }


def _page_number(request: HttpRequest, attempt: Attempt) -> int:
    page = whole_number(request.GET.get("page")) or 0
    return min(max(page, 0), attempt.page_count - 1)


@login_required
def attempt_page(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _close_if_overdue(_own_attempt(request, pk))
    if not attempt.is_in_progress:
        return redirect("quiz:result", pk=attempt.pk)
    if request.method == "POST":
        return _save_page(request, attempt)
    page = _page_number(request, attempt)
    responses = list(attempt.responses.all())
    return render(
        request,
        "quiz/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "page": page,
            "questions": [question_view(r) for r in responses if r.page == page],
            "navigation": [question_view(r) for r in responses],
            "pages": range(attempt.page_count),
            "remaining": selectors.remaining_seconds(attempt=attempt),
            **_origin_context(attempt),
        },
    )


def _save_page(request: HttpRequest, attempt: Attempt) -> HttpResponse:
    """The no-JavaScript path: saves every changed answer of the page, then navigates."""
    page = whole_number(request.POST.get("page")) or 0
    try:
        refused = _save_page_answers(request, attempt, page)
    except AttemptClosed as closed:
        if isinstance(closed, DeadlinePassed):
            show_refusal(request, closed)
        return redirect("quiz:result", pk=attempt.pk)
    return _navigate(request, attempt, page, request.POST.get("action", "next"), refused)


def _answer_refused(request: HttpRequest, position: int, refusal: QuizError) -> None:
    show_refusal(
        request,
        InvalidAnswer(_("Question %(n)s: %(e)s") % {"n": position + 1, "e": refusal.message}),
    )


def _save_page_answers(request: HttpRequest, attempt: Attempt, page: int) -> bool:
    """Saves each answer of the page that changed; True when any was refused (each refusal
    shown, naming its question). AttemptClosed when the attempt closed meanwhile."""
    refused = False
    for response in attempt.responses.filter(page=page):
        version = whole_number(request.POST.get(f"q{response.position}-version"))
        try:
            if version is None:
                raise InvalidAnswer()
            new = grading.normalise_answer(
                response.snapshot, answer_from_post(response, request.POST)
            )
            if new == response.answer or (
                not grading.is_answered(response.snapshot, new)
                and not grading.is_answered(response.snapshot, response.answer)
            ):
                continue
            services.attempt_save_answer(
                attempt=attempt,
                position=response.position,
                answer=new,
                version=version,
                response=response,
            )
        except (InvalidAnswer, StaleAnswer) as refusal:
            _answer_refused(request, response.position, refusal)
            refused = True
    return refused


def _navigate(
    request: HttpRequest, attempt: Attempt, page: int, action: str, refused: bool
) -> HttpResponse:
    """Where the page's button leads: flag a question, stay (an answer was refused), the
    summary, or another page."""
    here = reverse("quiz:attempt", args=[attempt.pk])
    if action.startswith("flag:"):
        position = whole_number(action.split(":", 1)[1])
        if position is None:
            position = -1
        current = attempt.responses.filter(position=position).first()
        if current:
            services.attempt_flag(attempt=attempt, position=position, flagged=not current.flagged)
        return redirect(f"{here}?page={page}#q{position}")
    if refused:
        return redirect(f"{here}?page={page}")
    if action == "summary":
        return redirect("quiz:summary", pk=attempt.pk)
    if action.startswith("page:"):
        target = action.split(":", 1)[1]
    elif action == "prev":
        target = str(page - 1)
    else:
        target = str(page + 1)
        if page + 1 >= attempt.page_count:
            return redirect("quiz:summary", pk=attempt.pk)
    return redirect(f"{here}?page={target}")


@login_required
@require_POST
def attempt_save(request: HttpRequest, pk: int) -> JsonResponse:
    """Saves one answer (JSON). 409: an out-of-date form; 410: the attempt is closed.

    The response is read together with its attempt, which must be the learner's own (one
    query; anything else is a 404)."""
    position = whole_number(request.POST.get("position"))
    version = whole_number(request.POST.get(f"q{position}-version"))
    if position is None or version is None:
        get_object_or_404(Attempt.objects.only("pk"), pk=pk, user=request.user)
        return JsonResponse({"ok": False, "error": InvalidAnswer().message}, status=400)
    response = get_object_or_404(
        Response.objects.select_related("attempt"),
        attempt_id=pk,
        attempt__user=request.user,
        position=position,
    )
    attempt = response.attempt
    try:
        saved = services.attempt_save_answer(
            attempt=attempt,
            position=position,
            answer=answer_from_post(response, request.POST),  # tokens -> bank indexes
            version=version,
            response=response,
        )
    except StaleAnswer as error:
        return JsonResponse(
            {"ok": False, "error": error.message, "version": error.current_version}, status=409
        )
    except AttemptClosed as error:
        return JsonResponse(
            {
                "ok": False,
                "error": error.message,
                "redirect": reverse("quiz:result", args=[attempt.pk]),
            },
            status=410,
        )
    except InvalidAnswer as error:
        return JsonResponse({"ok": False, "error": error.message}, status=400)
    return JsonResponse(
        {
            "ok": True,
            "version": saved.version,
            "answered": grading.is_answered(saved.snapshot, saved.answer),
            "remaining": selectors.remaining_seconds(attempt=attempt),
        }
    )


@login_required
@require_POST
def attempt_flag(request: HttpRequest, pk: int) -> JsonResponse:
    attempt = _own_attempt(request, pk)
    position = whole_number(request.POST.get("position"))
    if position is None:
        return JsonResponse({"ok": False}, status=400)
    flagged = request.POST.get("flagged") == "true"
    try:
        services.attempt_flag(attempt=attempt, position=position, flagged=flagged)
    except AttemptClosed as error:
        return JsonResponse({"ok": False, "error": error.message}, status=410)
    return JsonResponse({"ok": True, "flagged": flagged})


@login_required
@require_GET
def attempt_time(request: HttpRequest, pk: int) -> JsonResponse:
    attempt = _close_if_overdue(_own_attempt(request, pk))
    return JsonResponse(
        {
            "in_progress": attempt.is_in_progress,
            "remaining": selectors.remaining_seconds(attempt=attempt),
            "redirect": None
            if attempt.is_in_progress
            else reverse("quiz:result", args=[attempt.pk]),
        }
    )


@login_required
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _close_if_overdue(_own_attempt(request, pk))
    if not attempt.is_in_progress:
        return redirect("quiz:result", pk=attempt.pk)
    questions = [question_view(r) for r in attempt.responses.all()]
    return render(
        request,
        "quiz/summary.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": questions,
            "unanswered": sum(1 for q in questions if not q.answered),
            "remaining": selectors.remaining_seconds(attempt=attempt),
            **_origin_context(attempt),
        },
    )


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submits the learner's own attempt (read once, under its lock); submitting one that
    is already submitted just shows its result."""
    try:
        attempt, submitted = services.attempt_submit_own(pk=pk, user=request.user)
    except Attempt.DoesNotExist as exc:
        raise Http404 from exc
    if submitted:
        messages.success(request, _("Your attempt was submitted."))
    return redirect("quiz:result", pk=attempt.pk)


@login_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _close_if_overdue(_own_attempt(request, pk))
    if attempt.is_in_progress:
        return redirect("quiz:attempt", pk=attempt.pk)
    options = selectors.review_options(attempt=attempt)
    questions = []
    if options.correctness or options.answers:
        questions = [review_view(r, options) for r in attempt.responses.all()]
    return render(
        request,
        "quiz/result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "review": options,
            "questions": questions,
            "essays": essay_feedback(attempt=attempt, options=options),
            "status": AttemptStatus,
            **_origin_context(attempt),
        },
    )
