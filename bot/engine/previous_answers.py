"""Last period's answer as a start: "Utgå från det" (/forra ja) makes the earlier report's
answer the current question's answer, "Skriv nytt" (/forra nej) leaves the question empty and
stops offering it. Nothing is copied without the yes, and the copy is in the audit trail."""

from __future__ import annotations

from bot.engine.earlier_report import offered_answer
from bot.engine.messages import Reply
from bot.engine.reports import Reports
from bot.engine.state import AnswerPart
from bot.engine.turn import Turn
from bot.mall.errors import UserFacingError
from storage import access_repository as access_repo

YES, NO = ("ja", "j", "yes"), ("nej", "n", "no")


class PreviousAnswers:
    """The official's choice at a question that offers last period's answer."""

    def __init__(self, reports: Reports) -> None:
        self._reports = reports
        self._texts = reports.previous_texts

    def choose(self, turn: Turn, argument: str) -> list[Reply]:
        case, template = self._reports.current(turn)
        index = turn.state.question_index
        word = argument.strip().lower()
        if index is None or turn.state.parts or word not in (*YES, *NO):
            raise UserFacingError(self._texts.nothing_to_use)
        question = template.questions[index]
        current = turn.answers(case).get(question.key)
        earlier = self._reports.earlier(turn, case)
        answer = offered_answer(template, index, earlier, turn.state.previous_declined)
        if earlier is None or answer is None or (current is not None and current.text.strip()):
            raise UserFacingError(self._texts.nothing_to_use)
        if word in NO:
            turn.state.previous_declined = [*turn.state.previous_declined, question.key]
            return self._reports.ask(turn, self._texts.write_new.format(n=index + 1))
        self._reports.save(turn, case, template, question.key, [AnswerPart(text=answer)])
        access_repo.audit(
            turn.session, turn.user, "previous_answer_used", turn.now, case_id=case.id,
            question=question.key, from_case=earlier.case_number,
        )  # fmt: skip
        return self._reports.advance(turn, template, self._texts.used.format(n=index + 1))
