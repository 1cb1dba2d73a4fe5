"""The one budget rule: what was granted and what was used, each with where it came from.

Granted: what the official confirmed, else what the coordinator registered, else what the
budget answer says when the reading is sure. Used: what the official confirmed, else what
the answer says when the reading is sure. An unsure or missing figure is None: shown as
unknown, never counted as 0 kr and never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.review.budget import BudgetReading, Confidence, Figure


class FactSource(StrEnum):
    CONFIRMED = "confirmed"  # the official said "stämmer" to the figures (the ledger)
    REGISTERED = "registered"  # the coordinator's registration of the ärende
    REPORT = "report"  # read surely from the budget answer


@dataclass(frozen=True)
class Amount:
    kronor: int
    source: FactSource


@dataclass(frozen=True)
class Confirmation:
    """One confirmation of the figures in the budget ledger (the history)."""

    granted_kr: int
    used_kr: int
    confirmed_at: datetime
    source: str  # "read" (said yes to what was read) or "corrected"


@dataclass(frozen=True)
class Budget:
    granted: Amount | None
    used: Amount | None
    registered_granted_kr: int | None  # what the coordinator registered, for comparison
    history: tuple[Confirmation, ...] = ()  # oldest first

    @property
    def granted_kr(self) -> int | None:
        return self.granted.kronor if self.granted else None

    @property
    def used_kr(self) -> int | None:
        return self.used.kronor if self.used else None

    @property
    def remaining_kr(self) -> int | None:
        if self.granted is None or self.used is None:
            return None
        return self.granted.kronor - self.used.kronor

    @property
    def share_used(self) -> int | None:
        """Per cent of the granted money used, rounded; None without both figures."""
        if self.used is None or self.granted is None or self.granted.kronor <= 0:
            return None
        return round(100 * self.used.kronor / self.granted.kronor)

    @property
    def confirmed(self) -> bool:
        return bool(self.history)


def _sure(figure: Figure | None) -> int | None:
    return figure.value if figure is not None and figure.confidence > Confidence.LOW else None


def decide_budget(
    *,
    history: tuple[Confirmation, ...],
    registered_granted_kr: int | None,
    reading: BudgetReading | None,
) -> Budget:
    """The rule of this module's docstring, applied once for every output."""
    current = history[-1] if history else None
    granted: Amount | None
    used: Amount | None
    if current is not None:
        granted = Amount(current.granted_kr, FactSource.CONFIRMED)
        used = Amount(current.used_kr, FactSource.CONFIRMED)
    else:
        read_granted = _sure(reading.granted) if reading else None
        read_used = _sure(reading.used) if reading else None
        if registered_granted_kr is not None:
            granted = Amount(registered_granted_kr, FactSource.REGISTERED)
        elif read_granted is not None:
            granted = Amount(read_granted, FactSource.REPORT)
        else:
            granted = None
        used = Amount(read_used, FactSource.REPORT) if read_used is not None else None
    return Budget(granted, used, registered_granted_kr, history)
