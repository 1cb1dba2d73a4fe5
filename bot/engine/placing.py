"""A second look at a message the rules could not place: the language model's verdict.

When the chat asks about a short message that does not fit its question, or that the rules
read as talk without being sure (understanding.py), and a language model is configured, a
job asks the model whether the message is an answer, talk to the bot, or a command, and
which. The turn is not held up: the question with the rules' buttons is shown at once, and
the model's verdict follows as a message of its own with the buttons it points to, only
when it points elsewhere than the rules' first button and only while that same message
still waits. Nothing is stored without the user: the verdict chooses buttons, no more, and
the "Spara det som svar" it offers names the message it is about, so it can never store a
later one. Without a model nothing is asked and nothing follows.

The job's payload names the waiting message by a fingerprint, not by its text: the text is
read from the user's state when the job runs, and goes to the model masked (bot/review).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from bot.engine.job_steps import enqueue, keep_in_state
from bot.engine.jobs import ClaimedJob, Outcome, Work
from bot.engine.messages import Button, Reply, say
from bot.engine.parsing import COMMAND_LABELS, COMMANDS
from bot.engine.reports import Reports
from bot.engine.services import MessageToPlace, PlacingPort
from bot.engine.state import Awaiting, ConversationState, PendingMessage
from bot.engine.turn import Turn
from bot.engine.undo import quote
from storage import repository as repo
from storage.models import Case
from storage.unit_of_work import Sessions, UnitOfWork

PLACING = "placing"
KEEP = "/svar"
SHOW_QUESTION = "/fortsatt"
FINGERPRINT_CHARS = 16
# The commands the model may name, with the label of the button each gets.
PLACEABLE = COMMAND_LABELS
_WHAT_THEY_DO = dict(COMMANDS)


def fingerprint(pending: PendingMessage) -> str:
    """A short name of one waiting message (its text and where it was sent)."""
    seen = f"{pending.ref or ''}\n{pending.text}".encode()
    return hashlib.sha256(seen).hexdigest()[:FINGERPRINT_CHARS]


def still_waiting(state: ConversationState, payload: dict[str, object]) -> PendingMessage | None:
    """The message the job is about, if it still waits at the same question."""
    pending = state.pending
    if (
        state.awaiting is not Awaiting.UNCLEAR
        or pending is None
        or pending.signature_line
        or state.question_index != payload.get("question")
        or fingerprint(pending) != payload.get("fingerprint")
    ):
        return None
    return pending


class MessagePlacing:
    """Asks the model where a waiting message belongs, and offers the buttons it points to."""

    def __init__(self, reports: Reports, port: PlacingPort | None, sessions: Sessions):
        self._reports = reports
        self._texts = reports.texts
        self._port = port
        self._uow = UnitOfWork.of(sessions)

    def work(self) -> dict[str, Work]:
        return {PLACING: Work(self._place, self._keep)}

    def ask(self, turn: Turn, pending: PendingMessage, offered: tuple[str, ...]) -> None:
        """Ask the model (as a job) about the message that now waits; `offered` are the
        commands of the buttons the rules offered, first the one they think likeliest."""
        state = turn.state
        case = turn.current_case()
        if self._port is None or case is None or state.question_index is None:
            return
        enqueue(
            turn, PLACING, case.id,
            question=state.question_index, fingerprint=fingerprint(pending), offered=list(offered),
        )  # fmt: skip

    def _place(self, job: ClaimedJob) -> list[Reply] | Outcome:
        with self._uow.reading() as session:
            stored = repo.load_state(session, job.user_id)
            case = session.get(Case, job.case_id) if job.case_id is not None else None
            template_id = case.template_id if case is not None else None
        state = ConversationState.model_validate(stored) if stored else ConversationState()
        pending = still_waiting(state, job.payload)
        if (
            self._port is None
            or pending is None
            or case is None
            or state.case_id != case.id
            or template_id not in self._reports.catalog
        ):
            return []  # the user has moved on: nothing to add
        template = self._reports.catalog.get(str(template_id))
        index = int(job.payload["question"])
        commands = {name: _WHAT_THEY_DO[name] for name in PLACEABLE}
        asked = MessageToPlace(
            case.id, template.questions[index], pending.text, len(state.parts), commands
        )
        place = self._port(asked)
        if place is None:
            return []
        command = self._command_of(place.verdict, place.command)
        offered = list(job.payload.get("offered") or [])
        if command is None or (offered and offered[0] == command):
            return []  # the rules' question already leads with it
        reply = self._follow_up(command, pending, index + 1, str(job.payload["fingerprint"]))
        return Outcome([reply], {"command": command})

    @staticmethod
    def _command_of(verdict: str, command: str | None) -> str | None:
        if verdict == "answer":
            return KEEP
        if verdict == "talk":
            return SHOW_QUESTION
        if verdict == "command" and command in PLACEABLE:
            return f"/{command}"
        return None

    def _follow_up(self, command: str, pending: PendingMessage, number: int, mark: str) -> Reply:
        shown = quote(pending.text)
        keep = Button(self._texts.button_its_my_answer, f"{KEEP} {mark}")
        if command == KEEP:
            text = self._texts.placing_answer.format(text=shown, n=number)
            return say(text, buttons=((keep,), (Button(self._texts.button_no, "/nej"),)))
        if command == SHOW_QUESTION:
            text = self._texts.placing_talk.format(text=shown, n=number)
            show = Button(self._texts.button_show_question, SHOW_QUESTION)
            return say(text, buttons=((show,), (keep,)))
        label = self._texts[PLACEABLE[command.lstrip("/")]]
        text = self._texts.placing_command.format(text=shown, command=label)
        return say(text, buttons=((Button(label, command),), (keep,)))

    def _keep(self, session: Session, job: ClaimedJob, now: datetime) -> None:
        """What a typed "ja" now means: the command the model pointed to."""
        if "command" not in job.result:
            return

        def pointed(state: ConversationState) -> None:
            pending = still_waiting(state, job.payload)
            if pending is not None:
                pending.suggested = str(job.result["command"])

        keep_in_state(session, job, now, pointed)
