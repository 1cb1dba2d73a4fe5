""" "ångra" and /angra: take back the last part of a long answer, or the last saved answer.

Nothing is deleted: taking back an answer stores the version before it again (or an
empty answer when there was none), so the history keeps every version.
"""

from __future__ import annotations

from bot.engine import views
from bot.engine.cues import CueRules
from bot.engine.messages import Button, Reply, say
from bot.engine.reports import Reports
from bot.engine.state import AnswerPart, Awaiting
from bot.engine.turn import Turn
from storage import repository as repo

QUOTE_CHARS = 60


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """The start of a text, on one line, to remind the user which text is meant."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class Undo:
    """Takes back what the user did last, and says what it took back."""

    def __init__(self, reports: Reports, cues: CueRules) -> None:
        self._reports = reports
        self._texts = reports.texts
        self._cues = cues

    def undo(self, turn: Turn, _argument: str) -> list[Reply]:
        state = turn.state
        notes: list[str] = []
        pending = state.pending if state.awaiting is Awaiting.UNCLEAR else None
        if pending is not None:
            state.clear_waiting()
            notes.append(self._texts.unclear_dropped.format(text=quote(pending.text)))
            if not self._cues.offers(pending.kind, "/angra"):
                return (
                    self._reports.ask(turn, " ".join(notes))
                    if turn.current_case()
                    else [say(*notes)]
                )
        if state.parts and state.question_index is not None:
            return [say(*notes, *self._take_back_part(turn))]
        return self._take_back_answer(turn, notes)

    def _take_back_part(self, turn: Turn) -> list[str]:
        state = turn.state
        assert state.question_index is not None
        removed = state.parts.pop()
        number, n = len(state.parts) + 1, state.question_index + 1
        if state.parts:
            parts = views.counted(self._texts, "parts", len(state.parts))
            return [
                self._texts.undo_part.format(
                    number=number, n=n, text=quote(removed.text), parts=parts
                )
            ]
        return [self._texts.undo_last_part.format(number=number, n=n, text=quote(removed.text))]

    def _take_back_answer(self, turn: Turn, notes: list[str]) -> list[Reply]:
        state = turn.state
        while state.saved:
            saved = state.saved.pop()
            case = turn.own_case(saved.case_id)
            if case is None:
                continue
            template = self._reports.catalog.get(case.template_id)
            if saved.key not in {q.key for q in template.questions}:
                continue
            index = template.index_of(saved.key)
            current = turn.answers(case).get(saved.key)
            if current is None or current.version != saved.version:
                return [say(*notes, self._texts.undo_outdated.format(n=index + 1))]
            based_on = saved.based_on or saved.version
            earlier = [
                a
                for a in repo.answer_history(turn.session, case.id, saved.key)
                if a.version < based_on
            ]
            previous = earlier[-1] if earlier else None
            parts = (
                [AnswerPart(text=str(p["text"]), ref=p.get("ref")) for p in previous.parts]
                if previous is not None
                else []
            )
            text = previous.text if previous is not None else ""
            version = self._reports.save(
                turn, case, template, saved.key, parts, undoable=False, text=text
            )
            if previous is not None:
                # The version brought back now stands as `version`: a further "ångra"
                # takes it back in turn.
                for entry in state.saved:
                    same = (entry.case_id, entry.key) == (case.id, saved.key)
                    if same and entry.version == previous.version:
                        entry.based_on = entry.based_on or previous.version
                        entry.version = version
            key = "undo_answer_restored" if text.strip() else "undo_answer_cleared"
            note = self._texts[key].format(n=index + 1, text=quote(current.text))
            notes.append(note)
            if state.case_id == case.id:
                return self._reports.move_to(turn, index, " ".join(notes))
            return [say(*notes)]
        buttons = ((Button(self._texts.button_help, "/hjalp"),),)
        return [say(*notes, self._texts.undo_nothing, buttons=buttons)]
