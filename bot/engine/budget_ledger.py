"""The budget ledger in the chat: the budget answer's figures read back for the official
to confirm or correct, and kept per ärende with their history.

After the budget question is answered (in the chat, by an edit, or by an import) the bot
shows what it read, "Beviljat 500 000 kr · använt 194 000 kr (39 %) · kvar 306 000 kr —
stämmer det?", with the buttons "Ja, det stämmer" and "Rätta"; a figure it is unsure of
it asks for. The official confirms, or corrects ("använt 194 000"), and the figures are
stored (storage/ledger_repository.py). A later edit of the answer whose figures disagree
with the confirmed ones is pointed out and the figures are offered again. /budget shows
the confirmed figures and offers the answer's reading again. With a language model, the
answer is read by the model beside the rules first, as a job (budget_second_reading.py):
a figure the two read differently is asked for, not offered.
"""

from __future__ import annotations

from bot.engine.budget_figures import (
    NO,
    YES,
    CorrectionError,
    PendingBudget,
    confirmed_line,
    corrected,
    differs,
    from_reading,
    looks_like_correction,
    normalised_word,
    read_correction,
)
from bot.engine.budget_readback import confirmed_figures, offer_replies, with_entry
from bot.engine.budget_second_reading import SecondReading
from bot.engine.jobs import Work
from bot.engine.ledger_texts import LedgerTexts
from bot.engine.messages import Reply, say
from bot.engine.reports import Reports
from bot.engine.services import BudgetReadingPort, ReportSnapshot
from bot.engine.state import Awaiting
from bot.engine.turn import Turn
from bot.mall.dates import format_swedish_date
from bot.mall.errors import UserFacingError
from bot.mall.template import Question, QuestionKind, Template
from bot.review.budget import read_budget
from storage import access_repository as access_repo
from storage import ledger_repository as ledger_repo
from storage.ledger_repository import ActivityCostRow
from storage.models import BudgetLedgerEntry, Case
from storage.unit_of_work import Sessions


def budget_question(template: Template) -> Question | None:
    """The mall's budget question (its kind is "budget"), if it has one."""
    return next((q for q in template.questions if q.kind is QuestionKind.BUDGET), None)


def _disagrees(entry: BudgetLedgerEntry, pending: PendingBudget, granted_in_text: bool) -> bool:
    """Whether the answer's sure figures differ from the confirmed ones (by more than 1 %)."""
    read_granted = pending.granted if granted_in_text else None
    return differs(read_granted, entry.granted_kr) or differs(pending.used, entry.used_kr)


class BudgetLedger:
    """Reading the budget back to the official, and storing what they confirm."""

    def __init__(
        self,
        reports: Reports,
        texts: LedgerTexts,
        second_reader: BudgetReadingPort | None = None,
        sessions: Sessions | None = None,
    ) -> None:
        """`second_reader` (with a language model) reads the answer beside the rules, as a
        job on `sessions`, before the figures are read back."""
        self._reports = reports
        self._catalog = reports.catalog
        self.texts = texts
        self._second = SecondReading(texts, second_reader, sessions) if sessions else None

    def work(self) -> dict[str, Work]:
        return self._second.work() if self._second is not None else {}

    def used_unknown(self, snapshot: ReportSnapshot) -> bool:
        """Nobody confirmed the used amount and the budget answer does not say it surely."""
        question = budget_question(snapshot.template)
        if question is None or snapshot.confirmed_used_kr is not None:
            return False
        text = snapshot.answers.get(question.key, "")
        if not text.strip():
            return False
        pending = from_reading(snapshot.case_id, read_budget(text, snapshot.granted_amount_kr))
        return pending.used is None or pending.used_unclear

    # -- after an answer is saved ------------------------------------------------------

    def after_saves(self, turn: Turn) -> list[Reply]:
        """When this input saved a budget answer: its figures, to confirm or correct."""
        if turn.state.awaiting not in (Awaiting.NOTHING, Awaiting.BUDGET):
            return []  # another question is open (an import, a registration …)
        for case_id, key in reversed(turn.saved):
            case = turn.own_case(case_id)
            if case is None or case.template_id not in self._catalog:
                continue
            question = budget_question(self._catalog.get(case.template_id))
            if question is not None and question.key == key:
                return self._budget_saved(turn, case, question)
        return []

    def _budget_saved(self, turn: Turn, case: Case, question: Question) -> list[Reply]:
        answer = turn.answers(case).get(question.key)
        if answer is None or not answer.text.strip():
            return []
        entry = ledger_repo.current_entry(turn.session, case.id)
        pending, granted_in_text = self._reading(case, answer.text, entry)
        if entry is None:
            return self._read_twice(turn, case, question.key, pending)
        if not _disagrees(entry, pending, granted_in_text):
            return []  # the new text agrees with what was confirmed, or says nothing sure
        return self._read_twice(turn, case, question.key, pending, self._disagreement(entry))

    def _read_twice(
        self, turn: Turn, case: Case, key: str, pending: PendingBudget, note: str | None = None
    ) -> list[Reply]:
        """With a language model, the figures are shown once it has read the answer too."""
        if self._second is None or not self._second.configured:
            return self._offer(turn, case, pending, note)
        return self._second.start(turn, case, key, note is not None)

    def _show(self, turn: Turn, case: Case, pending: PendingBudget) -> list[Reply]:
        """The figures waiting for a word again; while the second reading is under way,
        that it is; if it was lost, the rules' reading."""
        if pending.checking is None:
            return self._offer(turn, case, pending)
        if self._second is not None and self._second.under_way(turn.session, pending):
            return self._second.still_reading()
        question = budget_question(self._catalog.get(case.template_id))
        answer = turn.answers(case).get(question.key) if question else None
        if answer is None or not answer.text.strip():
            turn.state.clear_waiting()
            return [say(self.texts.nothing_to_confirm)]
        entry = ledger_repo.current_entry(turn.session, case.id)
        return self._offer(turn, case, self._reading(case, answer.text, entry)[0])

    def _disagreement(self, entry: BudgetLedgerEntry) -> str:
        confirmed = confirmed_line(entry.granted_kr, entry.used_kr)
        return self.texts.text_disagrees.format(confirmed=confirmed)

    def _reading(
        self, case: Case, text: str, entry: BudgetLedgerEntry | None
    ) -> tuple[PendingBudget, bool]:
        """The answer's figures; what it does not say surely is taken from the ledger."""
        reading = read_budget(text, case.granted_amount_kr)
        return with_entry(case.id, reading, confirmed_figures(entry)), reading.granted_in_text

    def pending_for(self, turn: Turn, case: Case, key: str) -> PendingBudget | None:
        """The figures of the budget answer as they stand (the confirmed ones where the
        answer is unsure); None when the budget question has no answer."""
        answer = turn.answers(case).get(key)
        if answer is None or not answer.text.strip():
            return None
        entry = ledger_repo.current_entry(turn.session, case.id)
        return self._reading(case, answer.text, entry)[0]

    def offer(self, turn: Turn, case: Case, pending: PendingBudget) -> list[Reply]:
        """Read figures back and wait for the official's word."""
        return self._offer(turn, case, pending)

    def _offer(
        self, turn: Turn, case: Case, pending: PendingBudget, note: str | None = None
    ) -> list[Reply]:
        """Show the figures and wait for the official's word."""
        turn.state.awaiting = Awaiting.BUDGET
        turn.state.ledger = pending.model_dump(mode="json")
        heading = case.case_number if case.id != turn.state.case_id else None
        return offer_replies(self.texts, pending, note, heading)

    # -- the official's word -------------------------------------------------------------

    def takes(self, turn: Turn, text: str) -> bool:
        """Whether a message is meant for the figures waiting for a word."""
        return turn.state.awaiting is Awaiting.BUDGET and looks_like_correction(text)

    def reply(self, turn: Turn, text: str) -> list[Reply]:
        """Yes, no, or a correction, while the figures wait."""
        pending = PendingBudget.model_validate(turn.state.ledger)
        case = turn.own_case(pending.case_id)
        if case is None:
            turn.state.clear_waiting()
            return [say(self.texts.case_gone)]
        word = normalised_word(text)
        if word in YES:
            return (
                self._confirm(turn, case, pending)
                if pending.complete
                else self._show(turn, case, pending)
            )
        if word in NO:
            return [say(self.texts.how_to_correct)]
        try:
            pending = corrected(pending, read_correction(text, pending))
        except CorrectionError as error:
            raise UserFacingError(self.texts[error.key].format(**error.values)) from error
        if not pending.complete:
            return self._offer(turn, case, pending)
        return self._confirm(turn, case, pending)

    def _confirm(self, turn: Turn, case: Case, pending: PendingBudget) -> list[Reply]:
        assert pending.granted is not None and pending.used is not None
        ledger_repo.record_entry(
            turn.session,
            case.id,
            granted_kr=pending.granted,
            used_kr=pending.used,
            remaining_kr=pending.remaining_kr,
            activities=[ActivityCostRow(label, value) for label, value in pending.activities],
            source="corrected" if pending.corrected else "read",
            user_id=turn.user.id,
            now=turn.now,
        )
        source = "corrected" if pending.corrected else "read"
        access_repo.audit(
            turn.session, turn.user, "budget_confirmed", turn.now, case_id=case.id, source=source
        )
        turn.state.clear_waiting()
        message = self.texts.confirmed.format(
            case_number=case.case_number, line=confirmed_line(pending.granted, pending.used)
        )
        if turn.state.question_index is not None and turn.state.case_id == case.id:
            return self._reports.ask(turn, message)
        return [say(message)]

    # -- /budget ---------------------------------------------------------------------------

    def command(self, turn: Turn, argument: str) -> list[Reply]:
        """/budget: the confirmed figures and the answer's reading; /budget ja, /budget
        rätta and /budget använt 194 000 answer the figures waiting for a word."""
        argument = argument.strip()
        if turn.state.awaiting is Awaiting.BUDGET:
            pending = PendingBudget.model_validate(turn.state.ledger)
            case = turn.own_case(pending.case_id)
            if argument or case is None:
                return self.reply(turn, argument or "ja")
            return self._show(turn, case, pending)
        if normalised_word(argument) in YES | NO:
            raise UserFacingError(self.texts.nothing_to_confirm)
        case, template = self._reports.current(turn)
        question = budget_question(template)
        if question is None:
            raise UserFacingError(
                self.texts.no_budget_question.format(case_number=case.case_number)
            )
        entry = ledger_repo.current_entry(turn.session, case.id)
        shown = [] if entry is None else [self._entry_text(turn, case, entry)]
        answer = turn.answers(case).get(question.key)
        if answer is None or not answer.text.strip():
            if entry is None:
                raise UserFacingError(
                    self.texts.no_budget_answer.format(case_number=case.case_number)
                )
            return [say(*shown)]
        pending, granted_in_text = self._reading(case, answer.text, entry)
        if argument:
            turn.state.clear_waiting()
            turn.state.awaiting = Awaiting.BUDGET
            turn.state.ledger = pending.model_dump(mode="json")
            return self.reply(turn, argument)
        if entry is None:
            return self._read_twice(turn, case, question.key, pending)
        if not _disagrees(entry, pending, granted_in_text):
            return [say(*shown)]
        note = self._disagreement(entry)
        return [say(*shown), *self._read_twice(turn, case, question.key, pending, note)]

    def _entry_text(self, turn: Turn, case: Case, entry: BudgetLedgerEntry) -> str:
        user = access_repo.find_user_by_id(turn.session, entry.confirmed_by_user_id)
        return self.texts.current_entry.format(
            case_number=case.case_number,
            line=confirmed_line(entry.granted_kr, entry.used_kr),
            date=format_swedish_date(entry.confirmed_at.date()),
            name=user.display_name if user else "",
        )
