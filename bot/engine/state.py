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
    UNCLEAR = "unclear"  # was that message an answer, or talk about the chat (or a whole report)?
    BUDGET = "budget"  # the budget's figures read from the answer: confirm or correct
    FACTS = "facts"  # the ärende's facts read from a message or a file: yes before kept


class AnswerPart(BaseModel):
    """One message of an answer being written; `ref` is the platform's message id."""

    text: str
    ref: str | None = None


class SavedAnswer(BaseModel):
    """An answer version this user saved, so that "ångra" can take it back."""

    case_id: int
    key: str
    version: int  # the version that stands now
    based_on: int | None = None  # the version whose text it is, when an undo restored it


class PendingMessage(BaseModel):
    """A message not stored yet, because the bot asked whether it is an answer."""

    text: str
    ref: str | None = None
    kind: str  # the cue kind (bot/engine/cues.py), or "report" for a pasted whole report
    signature_line: bool = False  # it would be a further line of the signature block
    # The command the language model's second look pointed to (placing.py): what "ja" means.
    suggested: str | None = None


MAX_UNDO = 20


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
    # The language model's Sammanfattning and Ärendet of a tjänsteskrivelse, awaiting a choice.
    tjanste_proposal: dict[str, Any] = Field(default_factory=dict)
    pending: PendingMessage | None = None  # with Awaiting.UNCLEAR
    saved: list[SavedAnswer] = Field(default_factory=list)  # newest last, for "ångra"
    signature_open: str | None = None  # the signature's key while more lines may follow
    ledger: dict[str, Any] = Field(default_factory=dict)  # budget figures awaiting a word
    # Question keys where the user chose "Skriv nytt" over last period's answer.
    previous_declined: list[str] = Field(default_factory=list)
    # The ärende's facts read back, awaiting a yes: {"case_id", "changes", "source"}.
    facts: dict[str, Any] = Field(default_factory=dict)
    # The facts of a file read in, waiting until the import's own questions are answered.
    queued_facts: dict[str, Any] = Field(default_factory=dict)
    # /dokument asked for the used amount first: the documents follow once it is confirmed.
    documents_after_budget: bool = False

    def clear_waiting(self) -> None:
        self.awaiting = Awaiting.NOTHING
        self.pending_case_number = None
        self.confirm_action = None
        self.registration = {}
        self.pending_import = {}
        self.pending = None
        self.ledger = {}
        self.facts = {}
        self.documents_after_budget = False
