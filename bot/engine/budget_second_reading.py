"""The budget read back after a second reading by the language model (issue 22).

With a model configured, the budget answer is read by the rules and by the model; figures
they read alike are read back as usual, and a figure they read differently is shown as
"oklart" and asked for, never offered. The model is slow, so the reading is a job
(jobs.py): the turn that saved the answer says the figures are coming and waits for them
(`PendingBudget.checking` holds the job's id, and no figure); the job reads, outside any
transaction, and shows the figures; its `on_done` keeps them in the user's state under the
turn's lock, unless the official has answered meanwhile (a correction, "Vet inte än").
When the model fails, the port reads with the rules alone, and the read-back is what it
is without a model.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.engine.budget_figures import PendingBudget, confirmed_line
from bot.engine.budget_readback import (
    confirmed_figures,
    not_yet_buttons,
    offer_replies,
    with_entry,
)
from bot.engine.job_steps import enqueue, keep_in_state
from bot.engine.jobs import ClaimedJob, Outcome, Work
from bot.engine.ledger_texts import LedgerTexts
from bot.engine.messages import Reply, say
from bot.engine.services import BudgetReadingPort
from bot.engine.state import Awaiting, ConversationState
from bot.engine.turn import Turn
from bot.review.budget import read_budget
from storage import job_repository
from storage import ledger_repository as ledger_repo
from storage import repository as repo
from storage.models import Case
from storage.unit_of_work import Sessions, UnitOfWork

BUDGET_READING = "budget_reading"


def _waits_for(state: ConversationState, job_id: int) -> bool:
    return state.awaiting is Awaiting.BUDGET and state.ledger.get("checking") == job_id


class SecondReading:
    """Reading the budget answer with the rules and the model, as a job, before it is
    read back."""

    def __init__(
        self, texts: LedgerTexts, port: BudgetReadingPort | None, sessions: Sessions
    ) -> None:
        self._texts = texts
        self._port = port
        self._uow = UnitOfWork.of(sessions)

    @property
    def configured(self) -> bool:
        return self._port is not None

    def work(self) -> dict[str, Work]:
        """Registered with or without a model, so a job left by an earlier run is done."""
        return {BUDGET_READING: Work(self._read, self._keep)}

    def start(self, turn: Turn, case: Case, key: str, note: bool) -> list[Reply]:
        """Ask for the reading; the figures wait for it (`note`: the answer disagrees with
        the confirmed figures, and the read-back says so)."""
        answer = turn.answers(case)[key]
        heading = case.id != turn.state.case_id
        enqueue(turn, BUDGET_READING, case.id, key=key, version=answer.version, note=note,
                heading=heading)  # fmt: skip
        turn.state.awaiting = Awaiting.BUDGET
        turn.state.ledger = PendingBudget(case_id=case.id, checking=turn.jobs[-1]).model_dump(
            mode="json"
        )
        return [say(self._texts.reading_twice, buttons=not_yet_buttons(self._texts))]

    def under_way(self, session: Session, pending: PendingBudget) -> bool:
        """Whether the reading the figures wait for is still to be done."""
        return pending.checking is not None and any(
            job.id == pending.checking
            for job in job_repository.open_jobs(session, pending.case_id, BUDGET_READING)
        )

    def still_reading(self) -> list[Reply]:
        return [say(self._texts.still_reading, buttons=not_yet_buttons(self._texts))]

    def _read(self, job: ClaimedJob) -> list[Reply] | Outcome:
        """The figures of the answer as it was saved, read twice; nothing when the official
        has answered meanwhile or the answer changed."""
        key, version = str(job.payload["key"]), int(job.payload["version"])
        with self._uow.reading() as session:
            case = session.get(Case, job.case_id) if job.case_id is not None else None
            stored = repo.load_state(session, job.user_id)
            state = ConversationState.model_validate(stored) if stored else ConversationState()
            current = repo.current_answers(session, case.id).get(key) if case else None
            if case is None or current is None or current.version != version:
                return []
            if not _waits_for(state, job.id):
                return []
            confirmed = confirmed_figures(ledger_repo.current_entry(session, case.id))
            note = None
            if job.payload.get("note") and confirmed is not None:
                line = confirmed_line(*confirmed)
                note = self._texts.text_disagrees.format(confirmed=line)
            case_id, case_number, granted = case.id, case.case_number, case.granted_amount_kr
            text = current.text
        if self._port is not None:
            reading = self._port(text, granted, case_id)
        else:
            reading = read_budget(text, granted)
        pending = with_entry(case_id, reading, confirmed)
        heading = case_number if job.payload.get("heading") else None
        replies = offer_replies(self._texts, pending, note, heading)
        return Outcome(replies, {"ledger": pending.model_dump(mode="json")})

    def _keep(self, session: Session, job: ClaimedJob, now: datetime) -> None:
        if "ledger" not in job.result:
            return

        def shown(state: ConversationState) -> None:
            if _waits_for(state, job.id):
                state.ledger = dict(job.result["ledger"])

        keep_in_state(session, job, now, shown)
