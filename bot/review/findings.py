"""The shape every review finding has, whether a rule or the language model found it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Finding(BaseModel):
    """One thing the official should look at before the report is sent."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    severity: Severity
    question: str | None = Field(description="the question key it concerns, or None")
    message: str = Field(description="Swedish, tells the official what to do")
    evidence: str = Field(default="", description="the text that gave rise to it")


class CaseFacts(BaseModel):
    """What the coordinator registered for the ärende, and what the official confirmed.

    Confirmed budget figures (the official said "stämmer" to the budget line) take
    precedence over what the review reads from the text. Missing dates fall back to the
    mall's decision date and last reply date.
    """

    case_number: str | None = None
    granted_amount_kr: int | None = None
    decided_by: str | None = None
    decision_date: date | None = None
    last_reply_date: date | None = None
    confirmed_granted_kr: int | None = None
    confirmed_used_kr: int | None = None
    # The nämnd's report of an earlier year on the same mall: its diarienummer and answers.
    previous_case_number: str | None = None
    previous_answers: dict[str, str] = Field(default_factory=dict)

    @property
    def granted_kr(self) -> int | None:
        """The granted amount the checks go by: confirmed, else registered."""
        return self.confirmed_granted_kr or self.granted_amount_kr
