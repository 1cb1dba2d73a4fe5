"""Who may do what: roles, the gate for unregistered users, and invite codes.

Roles: `admin` (Telegram ids from TELEGRAM_ADMIN_IDS), `coordinator`, `official`. A user
of a platform that is not trusted starts with the role `none`: they reach only /start, and
with an invite code (`/start KOD` or `/kod KOD`) they get the code's role. The terminal chat
is trusted, because whoever runs it already has the database on their own machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.engine.texts import CoordinationTexts
from storage.models import User

NO_ACCESS = "none"
# The words /inbjudan accepts; the program matches them, so they stay here. The roles' names
# as the bot writes them are role_<role> in prompts/coordination.toml.
ROLE_BY_SWEDISH_WORD = {
    "handläggare": "official",
    "handlaggare": "official",
    "samordnare": "coordinator",
}


@dataclass(frozen=True)
class AccessPolicy:
    admin_external_ids: frozenset[str] = field(default_factory=frozenset)
    trusted_platforms: frozenset[str] = frozenset({"terminal"})
    trusted_role: str = "official"

    @classmethod
    def open_to_all(cls) -> AccessPolicy:
        """Every platform trusted: for embedding the engine where access is decided outside."""
        return cls(trusted_platforms=frozenset({"*"}))

    @classmethod
    def from_admin_telegram_ids(cls, ids: list[int]) -> AccessPolicy:
        return cls(admin_external_ids=frozenset(f"telegram:{i}" for i in ids))

    def initial_role(self, external_id: str) -> str:
        if external_id in self.admin_external_ids:
            return "admin"
        platform = external_id.split(":", 1)[0]
        if "*" in self.trusted_platforms or platform in self.trusted_platforms:
            return self.trusted_role
        return NO_ACCESS

    def lets_in(self, external_id: str, row: User | None) -> bool:
        """Whether the user with this id (and this row, None when never seen) gets past the
        gate."""
        if external_id in self.admin_external_ids:
            return row is None or row.active
        if row is None:
            return self.initial_role(external_id) != NO_ACCESS
        return row.active and row.role != NO_ACCESS

    def settle_role(self, user: User) -> None:
        """Make an administrator named in the settings one, whatever the database says."""
        if user.external_id in self.admin_external_ids and user.role != "admin":
            user.role = "admin"


def role_name(texts: CoordinationTexts, role: str) -> str:
    """The role in Swedish (`texts` from prompts/coordination.toml); an unknown role as is."""
    return texts.get(f"role_{role}", role)


def may_coordinate(user: User) -> bool:
    return user.active and user.role in ("coordinator", "admin")


def is_admin(user: User) -> bool:
    return user.active and user.role == "admin"
