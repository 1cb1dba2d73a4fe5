"""The budget as read from an answer: figures, how each was arrived at and how sure it is."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from pydantic import BaseModel, ConfigDict


class Confidence(IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3


class Source(StrEnum):
    STATED = "stated"  # one amount, or the same amount said more than once
    SUM = "sum"  # parts added up
    TABLE = "table"  # a table's total row, or its column added up
    REMAINDER = "remainder"  # granted minus what is left, or granted minus used
    SHARE = "share"  # a per cent of the grant
    REGISTERED = "registered"  # what the coordinator registered for the ärende
    CONFIRMED = "confirmed"  # what the official confirmed
    OVERSPEND = "overspend"  # granted plus what it was exceeded by


class Figure(BaseModel):
    """One figure of the budget and how it was arrived at."""

    model_config = ConfigDict(frozen=True)

    value: int
    confidence: Confidence
    source: Source
    evidence: tuple[str, ...] = ()  # the amounts as written that gave it
    approximate: bool = False
    # The figures two readers (the rules, the language model) read, where they differ.
    disputed: tuple[int, ...] = ()


class ActivityCost(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    value: int


class BudgetReading(BaseModel):
    """What the answer says of the money; None where it says nothing."""

    model_config = ConfigDict(frozen=True)

    granted: Figure | None = None
    used: Figure | None = None
    remaining: Figure | None = None
    activities: tuple[ActivityCost, ...] = ()
    plus_vat: bool = False
    granted_in_text: bool = False
    grant_years: int = 1  # a grant for several years (`för 2019–2020`)
    granted_per_year: int | None = None  # `det vill säga 150 000 kronor per år`
    used_years: tuple[int, ...] = ()  # the years the use is told for, when it says

    @property
    def compared_grant(self) -> int | None:
        """The part of the grant the use is to be compared with: a grant for several
        years against the use of fewer of them is compared year by year."""
        if self.granted is None:
            return None
        years = len(self.used_years)
        if self.grant_years > 1 and 0 < years < self.grant_years:
            per_year = self.granted_per_year or self.granted.value // self.grant_years
            return per_year * years
        return self.granted.value

    @property
    def used_share(self) -> int | None:
        """Per cent of the granted money used, rounded; None without both figures."""
        if self.used is None or self.granted is None or self.granted.value <= 0:
            return None
        return round(100 * self.used.value / self.granted.value)
