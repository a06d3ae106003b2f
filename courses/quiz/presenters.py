"""What the learner pages show of a response: only text and choices before review.

Nothing here exposes fractions, weights, feedback or which choice is right unless the
review policy (``selectors.review_options``) allows it. The leak test scans every page.

Choices, matching prompts and matching options reach the page under the response's
opaque tokens (``courses.quiz.tokens``), never under their bank index: ``question_view``
writes them and ``answer_from_post`` reads them back, refusing any other value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from courses.quiz import grading, tokens
from courses.quiz.exceptions import InvalidAnswer
from courses.quiz.models import QuestionType, Response
from courses.quiz.selectors import ReviewOptions
from courses.quiz.text import render_text


@dataclass
class QuestionView:
    position: int
    number: int
    qtype: str
    text: str
    version: int
    flagged: bool
    answered: bool
    page: int
    choices: list[dict[str, Any]] = field(default_factory=list)
    prompts: list[dict[str, Any]] = field(default_factory=list)
    text_value: str = ""
    max_length: int | None = None  # the longest text answer accepted
    multiple: bool = False
    given: list[str] = field(default_factory=list)  # what the learner answered, as text
    # filled in for review only
    state: str = ""
    mark: Decimal | None = None
    max_mark: Decimal | None = None
    right_answers: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    general_feedback: str = ""
    marker_feedback: str = ""
    #: The language of the question's words when it is not the site's default (the
    #: attempt's exam language), for the page's ``lang`` attribute.
    language: str = ""


def question_view(response: Response) -> QuestionView:
    snapshot = response.snapshot
    fmt = snapshot.get("format", "plain")
    answer = response.answer or {}
    view = QuestionView(
        position=response.position,
        number=response.position + 1,
        qtype=snapshot["qtype"],
        text=render_text(snapshot["text"], fmt),
        version=response.version,
        flagged=response.flagged,
        answered=grading.is_answered(snapshot, response.answer),
        page=response.page,
        multiple=snapshot["qtype"] == QuestionType.MULTIPLE,
        language=snapshot.get("language") or "",
    )
    if view.qtype in grading.CHOICE_TYPES:
        chosen = set(answer.get("choices", [])) | (
            {answer["choice"]} if "choice" in answer else set()
        )
        for index, token in _displayed(response):
            view.choices.append(
                {
                    "token": token,
                    "text": render_text(snapshot["answers"][index]["text"], fmt, inline=True),
                    "checked": index in chosen,
                }
            )
    elif view.qtype == QuestionType.MATCHING:
        matches = answer.get("matches", {})
        options = [(i, token, snapshot["options"][i]) for i, token in _displayed(response)]
        for index, (prompt, prompt_token) in enumerate(
            zip(snapshot["prompts"], response.prompt_tokens, strict=True)
        ):
            view.prompts.append(
                {
                    "token": prompt_token,
                    "text": render_text(prompt["text"], fmt, inline=True),
                    "options": [
                        {"token": token, "text": text, "selected": matches.get(str(index)) == i}
                        for i, token, text in options
                    ],
                }
            )
    else:
        view.text_value = answer.get("text", "")
        view.max_length = grading.MAX_ANSWER_CHARS.get(view.qtype)
    view.given = [c["text"] for c in view.choices if c["checked"]] + [
        f"{p['text']} → {o['text']}" for p in view.prompts for o in p["options"] if o["selected"]
    ]
    return view


def review_view(response: Response, options: ReviewOptions) -> QuestionView:
    """The question as the result page shows it, within what the policy allows."""
    view = question_view(response)
    snapshot = response.snapshot
    fmt = snapshot.get("format", "plain")
    if options.correctness:
        if response.needs_marking:
            view.state = "pending"
        elif response.fraction is None or response.fraction <= 0:
            view.state = "wrong"
        elif response.fraction >= 1:
            view.state = "right"
        else:
            view.state = "partial"
        view.mark, view.max_mark = response.mark, response.max_mark
    if options.answers:
        plain = view.qtype in (QuestionType.MATCHING, QuestionType.NUMERICAL)
        view.right_answers = [
            text if plain else render_text(text, fmt, inline=True)
            for text in grading.correct_answer_texts(snapshot)
        ]
        view.feedback = [
            render_text(text, fmt, inline=True)
            for text in grading.answer_feedback(snapshot, response.answer)
        ]
        view.general_feedback = (
            render_text(snapshot["general_feedback"], fmt) if snapshot["general_feedback"] else ""
        )
        view.marker_feedback = response.marker_feedback
    return view


def question_preview(question) -> QuestionView:
    """A bank question (saved or still being edited) as a learner will see it, with the
    right answers, every answer's feedback and the general feedback: the admin preview."""
    snapshot = grading.snapshot_question(question)
    count = grading.choice_count(snapshot)
    response = Response(
        position=0,
        page=0,
        snapshot=snapshot,
        choice_order=list(range(count)),
        choice_tokens=tokens.new_tokens(count),
        prompt_tokens=tokens.new_tokens(len(snapshot.get("prompts", []))),
        version=0,
        answer=None,
    )
    view = question_view(response)
    fmt = snapshot.get("format", "plain")
    plain = view.qtype in (QuestionType.MATCHING, QuestionType.NUMERICAL)
    view.right_answers = [
        text if plain else render_text(text, fmt, inline=True)
        for text in grading.correct_answer_texts(snapshot)
    ]
    view.feedback = [
        render_text(a["feedback"], fmt, inline=True) for a in snapshot["answers"] if a["feedback"]
    ]
    if snapshot["general_feedback"]:
        view.general_feedback = render_text(snapshot["general_feedback"], fmt)
    return view


def _displayed(response: Response) -> list[tuple[int, str]]:
    """(bank index, token) of each choice or matching option, in display order."""
    return list(zip(response.choice_order, response.choice_tokens, strict=True))


def _unknown_choice() -> InvalidAnswer:
    return InvalidAnswer(
        _("This answer does not belong to the question (the page may be out of date): reload it.")
    )


def answer_from_post(response: Response, data) -> dict[str, Any]:
    """The raw answer of one question from a submitted form (``q<position>-...`` fields),
    in the bank's terms: the page's tokens become bank indexes. Raises InvalidAnswer for a
    value that is not one of this response's tokens."""
    prefix = f"q{response.position}-"
    qtype = response.snapshot["qtype"]
    if qtype in grading.CHOICE_TYPES:
        index_of = {token: index for index, token in _displayed(response)}
        if qtype == QuestionType.MULTIPLE:
            picked = data.getlist(prefix + "choices")
        else:
            picked = [data.get(prefix + "choice")]
        picked = [token for token in picked if token not in (None, "")]
        if any(token not in index_of for token in picked):
            raise _unknown_choice()
        if qtype == QuestionType.MULTIPLE:
            return {"choices": [index_of[token] for token in picked]}
        return {"choice": index_of[picked[0]] if picked else None}
    if qtype == QuestionType.MATCHING:
        index_of = {token: index for index, token in _displayed(response)}
        matches = {}
        for prompt, prompt_token in enumerate(response.prompt_tokens):
            token = data.get(f"{prefix}match-{prompt_token}")
            if token in (None, ""):
                continue
            if token not in index_of:
                raise _unknown_choice()
            matches[str(prompt)] = index_of[token]
        return {"matches": matches}
    return {"text": data.get(prefix + "text")}
