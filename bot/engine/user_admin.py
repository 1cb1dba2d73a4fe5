"""Users managed from the command line (`redovisa users`): list them, give one a role, remove
one. Whoever runs the command has the database on their machine, so it needs no role of its
own; every change is written to the audit trail with the operator's name.

A user is named by a Telegram id (`5002`, `telegram:5002`), a terminal user name (`anna`,
`terminal:anna`, the name `redovisa chat --user` writes as), a Telegram `@username`, or the
number the list shows (`#12`). A user named for the first time is created with the role, so
a coordinator can be made before they ever write; the chat then takes the role from here.
Removing a user locks them out; their ärenden, answers and memberships stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.mall.datafiles import PROMPTS_DIR
from bot.mall.dates import format_swedish_date
from bot.mall.errors import UserFacingError
from bot.mall.texts import Text, TextFile, text
from storage import access_repository as access_repo
from storage import repository as repo
from storage import user_repository as users_repo
from storage.models import User

ROLE_WORDS = {
    "samordnare": "coordinator",
    "handläggare": "official",
    "handlaggare": "official",
    "admin": "admin",
    "administratör": "admin",
    "administrator": "admin",
}
ROLE_NAMES = {
    "official": "handläggare",
    "coordinator": "samordnare",
    "admin": "administratör",
    "none": "ingen tillgång än",  # wrote to the bot on Telegram without an invite code
}
TERMINAL_NAME = re.compile(r"[\w.-]{1,64}")
TELEGRAM_ID = re.compile(r"[1-9][0-9]{0,14}")
MAX_NAME = 200
SHOWN_COMMITTEES = 3
LOCAL_TIME = ZoneInfo("Europe/Stockholm")


class UserAdminTexts(TextFile):
    """prompts/users.toml."""

    heading: Text = text("count")
    columns: Text = text()
    line: Text = text("number", "name", "external_id", "role", "committees", "last_active")
    no_users: Text = text()
    no_committee: Text = text()
    never_active: Text = text()
    name_unknown: Text = text()
    removed_marker: Text = text()
    added: Text = text("user", "role")
    changed: Text = text("user", "role", "previous")
    unchanged: Text = text("user", "role")
    restored: Text = text("user", "role")
    renamed: Text = text("name")
    removed: Text = text("user")
    removed_was_responsible: Text = text("cases")
    already_removed: Text = text("user")
    admin_from_settings: Text = text("external_id")
    who_missing: Text = text()
    who_unreadable: Text = text("who")
    who_not_found: Text = text("who")
    who_ambiguous: Text = text("who", "numbers")
    role_missing: Text = text()
    role_unknown: Text = text("role")
    name_too_long: Text = text("limit")


def load_user_admin_texts(path: Path | None = None) -> UserAdminTexts:
    return UserAdminTexts.load(path or PROMPTS_DIR / "users.toml")


@dataclass(frozen=True)
class Who:
    """A user as named on the command line: an external id, or a number or @username of
    a user who must exist already."""

    external_id: str | None = None
    number: int | None = None
    username: str | None = None


class UserAdmin:
    """The use cases of `redovisa users`; each takes the caller's session (one transaction)."""

    def __init__(
        self, texts: UserAdminTexts | None = None, admin_ids: frozenset[str] = frozenset()
    ):
        self.texts = texts or load_user_admin_texts()
        self._admin_ids = admin_ids  # external ids TELEGRAM_ADMIN_IDS makes administrators

    def parse_who(self, typed: str | None) -> Who:
        who = (typed or "").strip()
        if not who:
            raise UserFacingError(self.texts.who_missing)
        platform, _, rest = who.partition(":")
        if who.startswith("#") and who[1:].isdecimal() and who[1:].isascii():
            return Who(number=int(who[1:]))
        if who.startswith("@") and TERMINAL_NAME.fullmatch(who[1:]):
            return Who(username=who[1:])
        if platform == "telegram" and TELEGRAM_ID.fullmatch(rest):
            return Who(external_id=who)
        if TELEGRAM_ID.fullmatch(who):
            return Who(external_id=f"telegram:{who}")
        if platform == "terminal" and TERMINAL_NAME.fullmatch(rest):
            return Who(external_id=who)
        if not rest and TERMINAL_NAME.fullmatch(who) and not who.isdecimal():
            return Who(external_id=f"terminal:{who}")
        raise UserFacingError(self.texts.who_unreadable.format(who=who[:80]))

    def role_of(self, word: str | None) -> str:
        if not word:
            raise UserFacingError(self.texts.role_missing)
        role = ROLE_WORDS.get(word.strip().casefold())
        if role is None:
            raise UserFacingError(self.texts.role_unknown.format(role=word[:40]))
        return role

    def _find(self, session: Session, typed: str, who: Who) -> User | None:
        if who.number is not None:
            found = access_repo.find_user_by_id(session, who.number)
        elif who.username is not None:
            matches = users_repo.find_by_username(session, who.username)
            if len(matches) > 1:
                numbers = ", ".join(f"#{u.id}" for u in matches)
                raise UserFacingError(self.texts.who_ambiguous.format(who=typed, numbers=numbers))
            found = matches[0] if matches else None
        else:
            assert who.external_id is not None
            found = repo.find_user(session, who.external_id)
        if found is None and who.external_id is None:
            raise UserFacingError(self.texts.who_not_found.format(who=typed[:80]))
        return found

    def listing(self, session: Session, with_removed: bool = False) -> list[str]:
        """One line per user: number, name, id, role, the nämnder of their ärenden, and
        when they last wrote."""
        texts = self.texts
        users = users_repo.all_users(session, with_removed=with_removed)
        if not users:
            return [texts.no_users]
        committees = users_repo.committees_of_users(session)
        active = users_repo.last_activity(session)
        lines = [texts.heading.format(count=len(users)), texts.columns]
        for user in users:
            names = committees.get(user.id, [])
            shown = ", ".join(names[:SHOWN_COMMITTEES]) or texts.no_committee
            if len(names) > SHOWN_COMMITTEES:
                shown += f" (+{len(names) - SHOWN_COMMITTEES})"
            when = active.get(user.id)
            lines.append(
                texts.line.format(
                    number=user.id,
                    name=(user.display_name or texts.name_unknown)
                    + ("" if user.active else texts.removed_marker),
                    external_id=user.external_id,
                    role=ROLE_NAMES.get(user.role, user.role),
                    committees=shown,
                    last_active=moment(when) if when else texts.never_active,
                )
            )
        return lines

    def set_role(
        self,
        session: Session,
        typed: str | None,
        role_word: str | None,
        name: str | None,
        operator: str,
        now: datetime,
    ) -> list[str]:
        """Give the user the role, creating them when they are new; returns what was done."""
        texts = self.texts
        who = self.parse_who(typed)
        role = self.role_of(role_word)
        if name is not None and len(name.strip()) > MAX_NAME:
            raise UserFacingError(texts.name_too_long.format(limit=MAX_NAME))
        new_name = " ".join(name.split()) if name and name.strip() else None
        user = self._find(session, str(typed).strip(), who)
        role_shown = ROLE_NAMES[role]
        if user is None:
            assert who.external_id is not None
            default = (
                who.external_id.partition(":")[2] if who.external_id.startswith("terminal:") else ""
            )
            user = users_repo.add_user(session, who.external_id, new_name or default, role, now)
            said = [texts.added.format(user=_shown(user), role=role_shown)]
            action, previous = "user_added", None
        else:
            previous = user.role
            ids = dict(user=_shown(user), role=role_shown)
            if not user.active:
                said, action = [texts.restored.format(**ids)], "user_restored"
            elif previous == role:
                said, action = [texts.unchanged.format(**ids)], None
            else:
                shown_previous = ROLE_NAMES.get(previous, previous)
                said, action = [texts.changed.format(**ids, previous=shown_previous)], "role_set"
            user.active, user.role = True, role
            if new_name and new_name != user.display_name:
                user.display_name = new_name
                said.append(texts.renamed.format(name=new_name))
                action = action or "user_renamed"
        if action is not None:
            access_repo.audit(
                session, None, action, now, target_user=user.id, role=role,
                previous_role=previous, operator=operator, source="redovisa users",
            )  # fmt: skip
        if user.external_id in self._admin_ids and role != "admin":
            said.append(texts.admin_from_settings.format(external_id=user.external_id))
        return said

    def remove(
        self, session: Session, typed: str | None, operator: str, now: datetime
    ) -> list[str]:
        """Lock the user out; their ärenden stay, and the audit trail says who removed them."""
        texts = self.texts
        who = self.parse_who(typed)
        user = self._find(session, str(typed).strip(), who)
        if user is None:
            raise UserFacingError(texts.who_not_found.format(who=str(typed).strip()[:80]))
        ids = dict(user=_shown(user))
        if not user.active:
            return [texts.already_removed.format(**ids)]
        cases = repo.cases_of_user(session, user.id)
        responsible = [c.case_number for c in cases if c.responsible_user_id == user.id]
        user.active = False
        access_repo.audit(
            session, None, "user_removed", now, target_user=user.id, role=user.role,
            cases=[c.case_number for c in cases], responsible_for=responsible,
            operator=operator, source="redovisa users",
        )  # fmt: skip
        said = [texts.removed.format(**ids)]
        if responsible:
            said.append(texts.removed_was_responsible.format(cases=", ".join(responsible)))
        return said


def _shown(user: User) -> str:
    """`Anna Andersson (terminal:anna)`, or the id alone before the user has a name."""
    return f"{user.display_name} ({user.external_id})" if user.display_name else user.external_id


def moment(when: datetime) -> str:
    """`6 december 2026 kl. 21.03`, in Malmö's time."""
    if when.tzinfo is None:  # SQLite gives naive datetimes back; they were stored in UTC
        when = when.replace(tzinfo=UTC)
    local = when.astimezone(LOCAL_TIME)
    return f"{format_swedish_date(local.date())} kl. {local:%H.%M}"
