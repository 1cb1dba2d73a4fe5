"""/dokument when the used amount is not known: a report that never says how much was used
is not final (issue 20), so the chat asks for the figure first, and the documents follow by
themselves once it is confirmed."""

from __future__ import annotations

from collections.abc import Callable

from bot.engine.budget_ledger import BudgetLedger
from bot.engine.document_facts import ANYWAY
from bot.engine.messages import Reply, say
from bot.engine.report_output import ReportOutput
from bot.engine.reports import Reports
from bot.engine.state import Awaiting
from bot.engine.turn import Turn


class DocumentsRequest:
    def __init__(self, reports: Reports, ledger: BudgetLedger, output: ReportOutput) -> None:
        self._reports = reports
        self._ledger = ledger
        self._output = output

    def documents(self, turn: Turn, argument: str) -> list[Reply]:
        """/dokument; a finished report whose used amount nobody confirmed is asked for it
        first."""
        case = turn.current_case()
        if case is not None and argument.strip().casefold() not in ANYWAY:
            snapshot = self._reports.snapshot(turn)
            if not snapshot.missing_required and self._ledger.used_unknown(snapshot):
                offer = self._ledger.command(turn, "")
                if turn.state.awaiting is Awaiting.BUDGET:
                    turn.state.documents_after_budget = True
                    need = self._reports.texts.documents_need_used_amount
                    return [say(need), *offer]
        return self._output.documents(turn, argument)

    def budget_word(self, turn: Turn, answer: Callable[[], list[Reply]]) -> list[Reply]:
        """A word on the budget's figures; once they are confirmed after /dokument asked
        for them, the documents follow without asking again."""
        then = turn.state.documents_after_budget
        replies = answer()
        if not then or turn.state.awaiting is Awaiting.BUDGET:
            return replies
        turn.state.documents_after_budget = False
        if turn.current_case() is None or self._ledger.used_unknown(self._reports.snapshot(turn)):
            return replies  # left open ("Vet inte än"): no documents, and no asking again
        return [*replies, *self.documents(turn, "")]
