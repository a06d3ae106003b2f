"""Writes on identity."""

from __future__ import annotations

from lms.models import User


def user_update_profile(*, user: User, full_name: str, preferred_language: str) -> User:
    user.full_name = " ".join(full_name.split())
    user.preferred_language = preferred_language
    user.save(update_fields=["full_name", "preferred_language"])
    return user
