"""Choosing a user by what a coordinator types: a number (#12), a whole name, or part of one.

Users are shown as "Namn @användarnamn (#12)", so two users with the same name are never two
identical choices; a name typed in part is taken when it fits one user only, and when it
fits several the candidates are listed with their numbers. "@användarnamn" names one user.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.engine.texts import CoordinationTexts
from bot.mall.errors import UserFacingError
from storage import access_repository as access_repo
from storage.models import User

MAX_CANDIDATES = 8


def user_label(texts: CoordinationTexts, user: User) -> str:
    """The user as every list and button shows them: name, username and number."""
    if user.username:
        return texts.user_shown_username.format(
            name=user.display_name, username=user.username, number=user.id
        )
    return texts.user_shown.format(name=user.display_name, number=user.id)


def name_and_username(user: User) -> str:
    return f"{user.display_name} @{user.username}" if user.username else user.display_name


def user_number(text: str) -> int | None:
    """A user's number as /anvandare shows it ("12" or "#12"); None for anything else."""
    number = text.strip().lstrip("#")
    if number.isdecimal() and number.isascii() and len(number) <= 9:
        return int(number)
    return None


def _eligible(session: Session) -> Sequence[User]:
    return session.scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_(access_repo.ROLES))
        .order_by(User.id)
    ).all()


def matching_users(session: Session, wanted: str) -> list[User]:
    """Users whose whole name is `wanted`; if none, those whose name contains it."""
    folded = " ".join(wanted.split()).casefold()
    if not folded:
        return []
    users = _eligible(session)
    if folded.startswith("@"):
        return [u for u in users if u.username and u.username.casefold() == folded[1:]]
    exact = [u for u in users if " ".join(u.display_name.split()).casefold() == folded]
    if exact:
        return exact
    return [u for u in users if folded in u.display_name.casefold()]


def choose_user(session: Session, text: str, texts: CoordinationTexts) -> User:
    """The one active user `text` names, or a Swedish message saying why not."""
    wanted = text.strip()
    number = user_number(wanted)
    if number is not None:
        user = access_repo.find_user_by_id(session, number)
        if user is None or not user.active or user.role not in access_repo.ROLES:
            raise UserFacingError(texts.responsible_unknown_number.format(given=wanted[:40]))
        return user
    matches = matching_users(session, wanted)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UserFacingError(texts.responsible_no_match.format(name=wanted[:40]))
    shown = ", ".join(user_label(texts, u) for u in matches[:MAX_CANDIDATES])
    if len(matches) > MAX_CANDIDATES:
        shown += " …"
    raise UserFacingError(texts.responsible_many_matches.format(name=wanted[:40], candidates=shown))
