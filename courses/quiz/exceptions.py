"""What the quiz engine's services refuse, each with a message a learner or staff can read.

Every refusal is a ``lms.errors.ServiceError``, so views present it the one way
(``lms.errors.show_refusal``) and the API answers it with a 400.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from lms.errors import ServiceError


class QuizError(ServiceError):
    """A refusal of the quiz engine; without a message, the subclass's ``default_message``."""

    default_message = _("The quiz cannot do that.")

    def __init__(self, message: str | None = None):
        super().__init__(str(message or self.default_message))


class QuizNotAvailable(QuizError):
    default_message = _("This quiz is not open at the moment.")


class StartRefused(QuizError):
    default_message = _("You may not start this quiz.")


class QuizMisconfigured(QuizError):
    default_message = _("This quiz cannot be started: its questions are not set up correctly.")


class AttemptLimitReached(QuizError):
    default_message = _("You have used all the attempts allowed for this quiz.")


class AttemptDelayNotElapsed(QuizError):
    default_message = _("You must wait before starting another attempt.")

    def __init__(
        self, message: str | None = None, *, available_at: datetime.datetime | None = None
    ):
        self.available_at = available_at
        super().__init__(message)


class NoSittingAvailable(QuizError):
    default_message = _("This exam needs a paid sitting, and you have none available.")


class SittingAlreadyUsed(QuizError):
    default_message = _("This sitting was already used for an attempt and cannot be revoked.")


class AttemptClosed(QuizError):
    default_message = _("This attempt is closed: answers can no longer be changed.")


class DeadlinePassed(AttemptClosed):
    default_message = _("Time is up: the answer was not saved and the attempt was submitted.")


class StaleAnswer(QuizError):
    default_message = _(
        "This answer form is out of date (the answer was changed elsewhere, e.g. in another "
        "tab). Nothing was overwritten: reload the question to see the saved answer."
    )

    def __init__(self, message: str | None = None, *, current_version: int):
        self.current_version = current_version
        super().__init__(message)


class InvalidAnswer(QuizError):
    default_message = _("The answer could not be read.")


class AlreadyMarked(QuizError):
    default_message = _("This answer has already been marked.")


class LanguageNotOffered(QuizError):
    default_message = _("This quiz is not offered in that language.")
