"""Opaque names for what a learner can pick in an attempt.

A choice or a matching option is shown to the browser under a random token drawn for that
one response, never under its index in the bank: the token says nothing about the answer
(not its place in the bank, not whether it is right), and a token of one attempt means
nothing in another. The response keeps the tokens next to its display order
(``Response.choice_tokens`` runs parallel to ``Response.choice_order``, and
``Response.prompt_tokens`` to the snapshot's matching prompts); ``presenters`` turns them
back into bank indexes, and refuses any other value.
"""

from __future__ import annotations

import secrets

#: 12 URL-safe characters: 72 random bits, usable as-is in HTML ids and form names.
TOKEN_BYTES = 9


def new_tokens(count: int) -> list[str]:
    """``count`` distinct fresh random tokens."""
    tokens: list[str] = []
    while len(tokens) < count:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if token not in tokens:
            tokens.append(token)
    return tokens
