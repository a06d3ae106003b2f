"""Who may do what in the quiz engine. Views ask these; they never build checks."""

from __future__ import annotations

from lms.permissions import can_access_admin, required  # noqa: F401  (views: permissions.required)


def can_take_quizzes(user) -> bool:
    """Any signed-in person may start a quiz; courses decides which quizzes it offers."""
    return bool(user.is_authenticated)


def can_mark_essays(user) -> bool:
    return bool(can_access_admin(user) and user.has_perm("quiz.change_response"))


def can_see_statistics(user) -> bool:
    return bool(can_access_admin(user) and user.has_perm("quiz.view_attempt"))


def can_import_questions(user) -> bool:
    return bool(can_access_admin(user) and user.has_perm("quiz.add_question"))


def can_translate_questions(user) -> bool:
    """Writing a question's words in another language is editing the question."""
    return bool(can_access_admin(user) and user.has_perm("quiz.change_question"))
