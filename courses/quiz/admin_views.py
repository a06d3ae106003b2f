"""Custom back-office views: import with preview, essay marking queue, item statistics.

Each view declares its permission (``permissions.required``); a service's refusal is shown
with ``lms.errors.show_refusal``, on the form that was sent when there is one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from courses.quiz import (
    admin_translation_views,
    formats,
    permissions,
    selectors,
    services,
    statistics,
)
from courses.quiz.admin_forms import ImportForm, MarkForm
from courses.quiz.exceptions import QuizError
from courses.quiz.models import Quiz, Response
from courses.quiz.text import render_text
from lms import safe_csv
from lms.errors import show_refusal
from lms.privacy.access_log import AccessKind, record_access

SESSION_KEY = "quiz_import_preview"


def _page(title: str, icon: str, **context) -> dict:
    return {"page_title": title, "header_title": title, "header_icon": icon, **context}


@permissions.required(permissions.can_import_questions)
def import_questions(request: HttpRequest) -> HttpResponse:
    """Upload -> parsed preview table -> confirm. Nothing is written before confirming."""
    if request.method == "POST" and request.POST.get("confirm"):
        return _confirm_import(request)
    if request.method != "POST":
        form = ImportForm()
    else:
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            return _import_preview(request, form.cleaned_data)
    return render(
        request, "quiz/admin/import.html", _page(_("Import questions"), "upload", form=form)
    )


def _import_preview(request: HttpRequest, data: dict) -> HttpResponse:
    """Keeps the parsed upload in the session and shows every question to confirm."""
    request.session[SESSION_KEY] = {
        "format": data["format"],
        "bank": data["bank"],
        "content": data["content"],
        "filename": data["file"].name,
        "language": data.get("translation_language") or "",
        "category": data.get("category") or "",
    }
    if data.get("translation_language"):
        return admin_translation_views.import_translation_preview(request, data)
    return render(
        request,
        "quiz/admin/import_preview.html",
        _page(
            _("Check the import"),
            "upload",
            questions=[_preview_row(q) for q in data["questions"]],
            bank=data["bank"],
            filename=data["file"].name,
            format=data["format"],
        ),
    )


def _preview_row(question) -> dict:
    """One parsed question as the preview shows it: its text and answers formatted as the
    learner will see them (Markdown rendered, HTML sanitised)."""
    fmt = question.text_format
    return {
        "parsed": question,
        "text": render_text(question.text, fmt),
        "answers": [
            {
                "text": render_text(a.text, fmt, inline=True),
                "match_text": a.match_text,
                "fraction": a.fraction,
            }
            for a in question.answers
        ],
    }


def _confirm_import(request: HttpRequest) -> HttpResponse:
    """Imports the previewed file (parsed again: the session holds text, not questions)."""
    pending = request.session.get(SESSION_KEY)
    if not pending:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("quiz_admin:import")
    try:
        questions = formats.parse(pending["format"], pending["content"])
    except formats.FormatError as refusal:
        show_refusal(request, refusal)
        return redirect("quiz_admin:import")
    if pending.get("language"):
        return admin_translation_views.confirm_import_translation(request, pending, questions)
    result = services.questions_import(
        bank_name=pending["bank"],
        questions=questions,
        actor=request.user,
        source=pending["filename"],
    )
    del request.session[SESSION_KEY]
    messages.success(
        request,
        _("Imported %(n)s questions into %(bank)s.")
        % {"n": result.created, "bank": result.bank.name},
    )
    return redirect("quiz_admin:import")


@permissions.required(permissions.can_mark_essays)
def marking_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "quiz/admin/marking_queue.html",
        _page(_("Essay marking"), "edit", queue=selectors.marking_queue()),
    )


@permissions.required(permissions.can_mark_essays)
def mark_essay(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(
        Response.objects.select_related("attempt__quiz", "attempt__user"), pk=pk
    )
    form = MarkForm(request.POST or None, max_mark=response.max_mark)
    if request.method == "POST" and form.is_valid():
        try:
            services.essay_mark(
                response=response,
                marker=request.user,
                score=form.cleaned_data["mark"],
                feedback=form.cleaned_data["feedback"],
            )
        except QuizError as refusal:  # e.g. marked meanwhile by someone else
            show_refusal(request, refusal, form=form)
        else:
            messages.success(request, _("The mark was saved."))
            return redirect("quiz_admin:marking")
    snapshot = response.snapshot
    record_access(request, response.attempt, response.attempt.user_id, AccessKind.ATTEMPT)
    return render(
        request,
        "quiz/admin/mark_essay.html",
        _page(
            _("Mark an essay"),
            "edit",
            response=response,
            form=form,
            question_text=render_text(snapshot["text"], snapshot.get("format", "plain")),
            guidance=render_text(snapshot["general_feedback"], snapshot.get("format", "plain"))
            if snapshot.get("general_feedback")
            else "",
            answer=(response.answer or {}).get("text", ""),
        ),
    )


@permissions.required(permissions.can_see_statistics)
def statistics_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "quiz/admin/statistics_index.html",
        _page(_("Item statistics"), "table", quizzes=Quiz.objects.all()),
    )


@permissions.required(permissions.can_see_statistics)
def statistics_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = get_object_or_404(Quiz, pk=pk)
    stats = statistics.quiz_statistics(quiz=quiz)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="quiz-{quiz.slug}-statistics.csv"'
        writer = safe_csv.writer(response)  # titles and names: no spreadsheet formulas
        writer.writerow(["quiz", quiz.title])
        writer.writerow(["attempts", stats.attempts])
        writer.writerow(
            ["mean score (%)", stats.mean_percent if stats.mean_percent is not None else ""]
        )
        writer.writerow(["pass rate (%)", stats.pass_rate if stats.pass_rate is not None else ""])
        writer.writerow([])
        writer.writerow(
            [
                "question id",
                "question",
                "type",
                "attempts",
                "facility index (%)",
                "discrimination index (%)",
                "mean mark",
                "max mark",
            ]
        )
        for item in stats.items:
            writer.writerow(
                [
                    item.question_id or "",
                    item.name,
                    item.qtype,
                    item.attempts,
                    "" if item.facility is None else item.facility,
                    "" if item.discrimination is None else item.discrimination,
                    item.mean_mark,
                    item.max_mark,
                ]
            )
        return response
    return render(
        request,
        "quiz/admin/statistics_detail.html",
        _page(_("Statistics: %(title)s") % {"title": quiz.title}, "table", quiz=quiz, stats=stats),
    )
