"""Reading an earlier draft into a report, asking before written answers are replaced."""

from __future__ import annotations

from bot.engine import views
from bot.engine.messages import Block, Button, IncomingFile, Reply, say
from bot.engine.reports import Reports
from bot.engine.services import ImportedDraft, ImportPort
from bot.engine.state import AnswerPart, Awaiting
from bot.engine.turn import Turn
from bot.mall.errors import UserFacingError
from storage import access_repository as access_repo
from storage import repository as repo
from storage.models import Case


def queue_file_facts(turn: Turn, case: Case, facts: dict[str, object]) -> None:
    """The facts the file holds wait to be read back for a yes (fact_chat.py) once the
    import and the budget's read-back are done."""
    queued = {k: v for k, v in turn.state.queued_facts.items() if k != "file"}
    if facts:
        queued["file"] = {"case_id": case.id, "changes": dict(facts)}
    turn.state.queued_facts = queued


class DraftImport:
    """A file sent in the chat: its answers go into the ärende it names, or the current one."""

    def __init__(self, reports: Reports, importer: ImportPort | None) -> None:
        self._reports = reports
        self._catalog = reports.catalog
        self._texts = reports.texts
        self._importer = importer

    def import_file(self, turn: Turn, file: IncomingFile, caption: str | None) -> list[Reply]:
        """Read an earlier draft into a report; ask first if it would replace answers."""
        if self._importer is None:
            raise UserFacingError(self._texts.import_unavailable)
        draft = self._importer(file.filename, file.data)
        if not draft.answers:
            raise UserFacingError(self._texts.import_nothing_found)
        case = self._import_target(turn, draft)
        # What was being written on the current question is kept, whatever comes next.
        saved = self._reports.commit_parts(turn)
        replies = [say(saved)] if saved else []
        if caption:
            replies.append(say(self._texts.caption_not_saved))
        existing = turn.answers(case)
        replaced = [
            key
            for key, text in draft.answers.items()
            if key in existing and existing[key].text.strip() and existing[key].text != text
        ]
        queue_file_facts(turn, case, draft.facts)
        if not replaced:
            return [
                *replies,
                *self._apply_import(turn, case, draft.answers, list(draft.unassigned_text)),
            ]
        turn.state.question_index = None
        turn.state.return_index = None
        turn.state.clear_waiting()
        turn.state.awaiting = Awaiting.IMPORT_CONFIRM
        turn.state.pending_import = {
            "case_id": case.id,
            "answers": draft.answers,
            "unassigned": list(draft.unassigned_text),
        }
        question = self._texts.import_replace_confirm.format(
            count=views.counted(self._texts, "questions", len(draft.answers)),
            replaced=len(replaced),
            case_number=case.case_number,
        )
        buttons = (
            (Button(self._texts.button_yes_import, "ja"), Button(self._texts.button_no, "nej")),
        )
        return [*replies, say(question, buttons=buttons)]

    def _import_target(self, turn: Turn, draft: ImportedDraft) -> Case:
        """The ärende the document names, or the current one; a new one when it is unknown."""
        if draft.case_number:
            case = repo.find_case(turn.session, draft.case_number)
            if case is None:
                template_id = (
                    draft.template_id
                    if draft.template_id in self._catalog
                    else (self._catalog.all()[-1].id)
                )
                case = repo.create_case(
                    turn.session, draft.case_number, template_id, turn.user, turn.now
                )
                access_repo.audit(
                    turn.session,
                    turn.user,
                    "case_created",
                    turn.now,
                    case_id=case.id,
                    source="import",
                )
                return case
            if not turn.is_member(case):
                raise UserFacingError(
                    self._texts.case_belongs_to_other.format(case_number=draft.case_number)
                )
            return case
        current = turn.current_case()
        if current is None:
            raise UserFacingError(self._texts.import_needs_case)
        return current

    def decide(self, turn: Turn, text: str) -> list[Reply]:
        answer = text.strip().lower().lstrip("/").rstrip(".!")
        pending = turn.state.pending_import
        if answer in ("nej", "n"):
            turn.state.clear_waiting()
            turn.state.queued_facts = {}
            return [say(self._texts.import_cancelled)]
        if answer not in ("ja", "j"):
            raise UserFacingError(self._texts.answer_yes_or_no)
        case = turn.own_case(int(pending["case_id"]))
        if case is None:
            turn.state.clear_waiting()
            return [say(self._texts.no_current_report)]
        answers = {str(k): str(v) for k, v in pending["answers"].items()}
        unassigned = [str(t) for t in pending.get("unassigned", [])]
        turn.state.clear_waiting()
        return self._apply_import(turn, case, answers, unassigned)

    def _apply_import(
        self, turn: Turn, case: Case, answers: dict[str, str], unassigned: list[str]
    ) -> list[Reply]:
        template = self._catalog.get(case.template_id)
        existing = turn.answers(case)
        count = changed = 0
        for question in template.questions:
            text = answers.get(question.key, "").strip()
            if not text:
                continue
            count += 1
            if question.key in existing and existing[question.key].text == text:
                continue
            changed += 1
            self._reports.save(turn, case, template, question.key, [AnswerPart(text=text)])
        turn.state.case_id = case.id
        turn.state.parts = []
        turn.state.return_index = None
        note = self._texts.import_done.format(
            count=views.counted(self._texts, "questions", count), case_number=case.case_number
        )
        if existing and changed < count:  # read in again: say what actually changed
            more = views.counted(self._texts, "changed", changed) if changed else None
            note = f"{note} {more or self._texts.import_unchanged}"
        replies: list[Reply] = []
        if unassigned:
            blocks = [Block(self._texts.import_unassigned)]
            blocks.extend(Block(t) for t in unassigned)
            replies.append(Reply(tuple(blocks)))
        index = views.first_unanswered(template, turn.answers(case))
        return [*self._reports.move_to(turn, index, note), *replies]
