"""What the learner pages show of a response: only text and choices before review.

Nothing here exposes fractions, weights, feedback or which choice is right unless the
review policy (``selectors.review_options``) allows it. The leak test scans every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from courses.quiz import grading
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
    )
    if view.qtype in grading.CHOICE_TYPES:
        chosen = set(answer.get("choices", [])) | (
            {answer["choice"]} if "choice" in answer else set()
        )
        for index in response.choice_order:
            view.choices.append(
                {
                    "index": index,
                    "text": render_text(snapshot["answers"][index]["text"], fmt, inline=True),
                    "checked": index in chosen,
                }
            )
    elif view.qtype == QuestionType.MATCHING:
        matches = answer.get("matches", {})
        options = [(i, snapshot["options"][i]) for i in response.choice_order]
        for index, prompt in enumerate(snapshot["prompts"]):
            view.prompts.append(
                {
                    "index": index,
                    "text": render_text(prompt["text"], fmt, inline=True),
                    "options": [
                        {"index": i, "text": text, "selected": matches.get(str(index)) == i}
                        for i, text in options
                    ],
                }
            )
    else:
        view.text_value = answer.get("text", "")
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


def answer_from_post(response: Response, data) -> dict[str, Any]:
    """The raw answer of one question from a submitted form (``q<position>-...`` fields)."""
    prefix = f"q{response.position}-"
    qtype = response.snapshot["qtype"]
    if qtype in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        return {"choice": data.get(prefix + "choice")}
    if qtype == QuestionType.MULTIPLE:
        return {"choices": data.getlist(prefix + "choices")}
    if qtype == QuestionType.MATCHING:
        return {
            "matches": {
                str(i): data.get(f"{prefix}match-{i}")
                for i in range(len(response.snapshot["prompts"]))
            }
        }
    return {"text": data.get(prefix + "text")}
