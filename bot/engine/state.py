"""Where one user is in the conversation; stored as JSON after every input."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Awaiting(StrEnum):
    NOTHING = "nothing"
    CASE_NUMBER = "case_number"  # after /ny without a diarienummer
    TEMPLATE = "template"  # after /ny with a new diarienummer
    CONFIRM = "confirm"  # a yes/no before something is thrown away
    REGISTRATION = "registration"  # a coordinator registering an ärende step by step
    IMPORT_CONFIRM = "import_confirm"  # replace written answers with an imported draft?
    BUDGET = "budget"  # the budget's figures read from the answer: confirm or correct


class AnswerPart(BaseModel):
    """One message of an answer being written; `ref` is the platform's message id."""

    text: str
    ref: str | None = None


class ConversationState(BaseModel):
    case_id: int | None = None
    question_index: int | None = None  # None: not at a question
    parts: list[AnswerPart] = Field(default_factory=list)
    return_index: int | None = None  # where to go back to after editing an earlier answer
    awaiting: Awaiting = Awaiting.NOTHING
    pending_case_number: str | None = None
    confirm_action: str | None = None
    registration: dict[str, Any] = Field(default_factory=dict)
    pending_import: dict[str, Any] = Field(default_factory=dict)
    suggestion: dict[str, Any] = Field(default_factory=dict)  # a phrasing awaiting a choice
    ledger: dict[str, Any] = Field(default_factory=dict)  # budget figures awaiting a word

    def clear_waiting(self) -> None:
        self.awaiting = Awaiting.NOTHING
        self.pending_case_number = None
        self.confirm_action = None
        self.registration = {}
        self.pending_import = {}
        self.ledger = {}
