"""One open question at a time around the budget.

When an input saves the budget answer, the figures are read back ("… stämmer det?") and
the next question of the mall waits until they are settled: "Ja, det stämmer", a
correction, or "Vet inte än", which leaves them as an open point that /status and the
review show. While they wait, a message that is none of these is not stored anywhere; the
official is told what the bot waits for. Right after the budget question, a message with
an amount and a word about using or meaning ("Vi har använt ungefär 430 000 kr", "jag
menade 250 000, inte 205 000") is a correction of the budget, read back for confirmation,
never the next answer.
"""

from __future__ import annotations

import re

from bot.engine.budget_figures import (
    CorrectionError,
    PendingBudget,
    corrected,
    read_correction,
)
from bot.engine.budget_ledger import BudgetLedger, budget_question
from bot.engine.messages import Button, Reply, say
from bot.engine.reports import Reports
from bot.engine.state import Awaiting
from bot.engine.talk import TalkRules
from bot.engine.turn import Turn
from bot.engine.undo import quote
from bot.mall.amounts import Role, parse_amount
from storage import access_repository as access_repo
from storage import ledger_repository as ledger_repo

LEFT_OPEN = "budget_left_open"  # the audit action that marks the figures as an open point
CONFIRMED = "budget_confirmed"
_AMOUNT = re.compile(r"\d{1,3}(?:[ \u00a0]\d{3})+|\d+")
_MEANT_NOT = re.compile(r"\binte\b", re.IGNORECASE)


def budget_left_open(turn: Turn, case_id: int) -> bool:
    """Whether the official said the figures are not known yet, and has not confirmed since."""
    if ledger_repo.current_entry(turn.session, case_id) is not None:
        return False
    events = [
        e.action
        for e in access_repo.audit_events(turn.session, case_id)
        if e.action in (LEFT_OPEN, CONFIRMED)
    ]
    return bool(events) and events[-1] == LEFT_OPEN


class BudgetWait:
    """The budget read-back as the one open question, and corrections said in words."""

    def __init__(self, ledger: BudgetLedger, reports: Reports, talk: TalkRules) -> None:
        self._ledger = ledger
        self._reports = reports
        self._texts = ledger.texts
        self._talk = talk

    def after_input(self, turn: Turn, replies: list[Reply]) -> list[Reply]:
        """Add the read-back of a budget answer this input saved; the next question then
        waits for it (its prompt is taken out of the replies)."""
        offer = self._ledger.after_saves(turn)
        if not offer:
            return replies
        index = turn.state.question_index
        if index is None:
            return [*replies, *offer]
        counter = self._reports.texts.question_counter
        kept: list[Reply] = []
        for reply in replies:
            texts = [b.text for b in reply.blocks]
            cut = next((i for i, t in enumerate(texts) if is_counter(counter, t)), None)
            if cut is None:
                kept.append(reply)
            elif cut > 0:
                kept.append(Reply(reply.blocks[:cut]))
        return [*kept, *offer]

    def word(self, turn: Turn, text: str) -> list[Reply]:
        """A message while the figures wait that is no yes, no or plain correction."""
        pending = PendingBudget.model_validate(turn.state.ledger)
        if turn.own_case(pending.case_id) is None:
            return self._ledger.reply(turn, text)  # it says the ärende is gone
        if self._talk.about_budget(text):
            try:
                return self._read_back(turn, pending, text)
            except CorrectionError:
                pass
        if self._talk.not_yet(text):
            return self.leave_open(turn, "")
        buttons = (
            (
                Button(self._texts.button_confirm, "/budget ja"),
                Button(self._texts.button_correct, "/budget rätta"),
            ),
            (Button(self._texts.button_not_yet, "/budget vet inte"),),
        )
        return [say(self._texts.waits_first.format(text=quote(text)), buttons=buttons)]

    def command(self, turn: Turn, argument: str) -> list[Reply]:
        """/budget, with "/budget vet inte" (the button Vet inte än) while figures wait."""
        if turn.state.awaiting is Awaiting.BUDGET and argument and self._talk.not_yet(argument):
            return self.leave_open(turn, "")
        return self._ledger.command(turn, argument)

    def leave_open(self, turn: Turn, _argument: str) -> list[Reply]:
        """ "Vet inte än": the figures stay an open point; on to the next question."""
        pending = PendingBudget.model_validate(turn.state.ledger)
        turn.state.clear_waiting()
        access_repo.audit(turn.session, turn.user, LEFT_OPEN, turn.now, case_id=pending.case_id)
        if turn.state.question_index is not None and turn.state.case_id == pending.case_id:
            return self._reports.ask(turn, self._texts.left_open)
        return [say(self._texts.left_open)]

    def correction_after_budget(self, turn: Turn, text: str) -> list[Reply] | None:
        """At the question right after the budget, an amount with a word about using or
        meaning is a correction of the budget, read back; None for anything else."""
        index = turn.state.question_index
        if index is None or turn.state.parts or not self._talk.about_budget(text):
            return None
        case, template = self._reports.current(turn)
        question = budget_question(template)
        if question is None or template.index_of(question.key) != index - 1:
            return None
        pending = self._ledger.pending_for(turn, case, question.key)
        if pending is None:
            return None
        try:
            return self._read_back(turn, pending, text)
        except CorrectionError:
            return None

    def _read_back(self, turn: Turn, pending: PendingBudget, text: str) -> list[Reply]:
        figures = _meant_instead(text, pending)
        if figures is None:
            try:
                figures = read_correction(text, pending)
            except CorrectionError:
                amounts = _amounts(text)
                if amounts is None or len(amounts) != 1:
                    raise
                figures = {Role.USED: amounts[0]}  # "Vi använde 20 000 kr till fika"
        new = corrected(pending, figures)
        case = turn.own_case(new.case_id)
        assert case is not None
        replies = self._ledger.offer(turn, case, new)
        return [say(self._texts.candidate_heading), *replies]


def is_counter(counter: str, text: str) -> bool:
    """Whether a block is the "Fråga N av M" line of a question prompt."""
    pattern = re.escape(counter).replace(r"\{n\}", r"\d+").replace(r"\{total\}", r"\d+")
    return re.fullmatch(pattern, text) is not None


def _meant_instead(text: str, pending: PendingBudget) -> dict[Role, int] | None:
    """ "jag menade 250 000, inte 205 000": the figure that was 205 000 becomes 250 000."""
    if not _MEANT_NOT.search(text):
        return None
    amounts = _amounts(text)
    if amounts is None or len(amounts) != 2:
        return None
    new, old = amounts
    if pending.granted == old and pending.used != old:
        return {Role.GRANTED: new}
    return {Role.USED: new}


def _amounts(text: str) -> list[int] | None:
    """Every amount in the text ("250 000", "205000"); None when one cannot be read."""
    amounts = []
    for found in _AMOUNT.findall(text):
        try:
            amounts.append(parse_amount(found))
        except ValueError:
            return None
    return amounts
