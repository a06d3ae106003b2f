"""Where a learner opened a quiz from, so the quiz, attempt and result pages link back to it.

A page that links to a quiz adds ``?from=<origin>`` to the link, where the origin names a
place that uses the quiz: ``module-<page id>`` (a learning module with a knowledge check),
``lesson-<id>`` or ``course-<id>`` (a course lesson that is the quiz). The engine knows none
of those places: it asks the apps above it through the ``quiz_origin`` Wagtail hook,

``quiz_origin``
    ``fn(quiz, origin: str) -> QuizOrigin | None``: the place ``origin`` names, when this
    app owns that kind of origin and the place exists, is published and uses ``quiz``;
    else None. The first answer wins.

so an origin is only ever a short token, never an address: the link back is built by the
app that owns the place, and any other value (an outside address, a place that does not use
the quiz, a deleted page) is ignored. The attempt keeps the origin it was started from
(``Attempt.origin``); it is resolved again each time a page is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from wagtail import hooks

ORIGIN_HOOK = "quiz_origin"
#: The shape of an origin token: a kind and a number.
ORIGIN = re.compile(r"^(?P<kind>[a-z]{1,20})-(?P<pk>[1-9][0-9]{0,17})$")


@dataclass(frozen=True)
class QuizOrigin:
    token: str  # "module-12"
    label: str  # the place's title, e.g. the module's
    url: str  # a path on this site


def parse(origin: str | None) -> tuple[str, int] | None:
    """(kind, id) of a well-formed origin token, else None (for the apps' hooks)."""
    match = ORIGIN.match(origin or "")
    return (match["kind"], int(match["pk"])) if match else None


def _is_local_path(url: str) -> bool:
    return url.startswith("/") and not url.startswith(("//", "/\\")) and "\n" not in url


def resolve(*, quiz, origin: str | None) -> QuizOrigin | None:
    """The place ``origin`` names, if it is well formed and an app vouches that the place
    uses ``quiz``; None for anything else (never an error: the token comes from a URL)."""
    if parse(origin) is None:
        return None
    for resolver in hooks.get_hooks(ORIGIN_HOOK):
        place = resolver(quiz, origin)
        if place is not None:
            return place if _is_local_path(place.url) else None
    return None


def with_origin(url: str, origin: QuizOrigin | str | None) -> str:
    """``url`` carrying the origin (a resolved one, or a token) to the next page."""
    token = origin.token if isinstance(origin, QuizOrigin) else origin
    if not token or parse(token) is None:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode({'from': token})}"
