"""The shape every review finding has, whether a rule or the language model found it."""

from __future__ import annotations

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
    """What the coordinator registered for the ärende, when anything was."""

    case_number: str | None = None
    granted_amount_kr: int | None = None
