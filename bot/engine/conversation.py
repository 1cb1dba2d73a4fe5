"""The conversation: one input from one user in, the replies out, everything stored between.

Each call to `Conversation.handle` is one transaction: the user's state, their answers and
the mark that a delivery was handled are committed together before the replies are returned,
so a crash after the commit loses nothing and a crash before it changes nothing.

The flow, as the user sees it:
- /ny STK-2018-1307 asks which mall to use (buttons "/mall mall-2019" …), then asks the
  questions in order, "Fråga 1 av 8".
- Short questions (nämnd, namn, underskrift) take one message. Longer ones collect every
  message as a part until the user says /klar (or "klar"); the parts are stored at once.
- /tillbaka, /hoppa, /fraga N, /andra N [text], /utkast, /avbryt, /status, /arenden,
  /fortsatt [diarienummer] move around; "ändra budgeten: …", "hoppa över" and the like
  work in words too. A message edited in the chat updates the answer it belongs to.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable

from bot.engine import views
from bot.engine.access import NO_ACCESS, may_coordinate, role_name
from bot.engine.coordination import CoordinatorDesk
from bot.engine.core import (
    MAX_ANSWER_CHARS,
    MAX_MESSAGE_CHARS,
    PART_SEPARATOR,
    Clock,
    Steps,
    Turn,
)
from bot.engine.importing import DraftImport
from bot.engine.messages import Block, Button, Incoming, Reply, Style, UserRef, say
from bot.engine.parsing import (
    COMMANDS,
    COORDINATOR_COMMANDS,
    Command,
    parse_command,
    parse_phrase,
    resolve_question,
    split_target,
)
from bot.engine.state import AnswerPart, Awaiting, ConversationState
from bot.engine.suggestions import PhrasingSuggestions
from bot.mall.case_numbers import looks_like_case_number, normalise_case_number
from bot.mall.errors import UserFacingError
from bot.mall.template import Template, template_named
from storage import access_repository as access_repo
from storage import repository as repo

__all__ = [
    "MAX_ANSWER_CHARS",
    "MAX_MESSAGE_CHARS",
    "PART_SEPARATOR",
    "Clock",
    "Conversation",
    "Steps",
    "Turn",
]

log = logging.getLogger(__name__)

ALLOWED_CONTROL_CHARACTERS = {"\n", "\r", "\t"}


class Conversation(DraftImport, PhrasingSuggestions):
    """The transport-free conversation engine: commands, answers, navigation, edits."""

    def handle(self, user: UserRef, incoming: Incoming) -> list[Reply]:
        """Handle one input and return all the replies, the slow ones included."""
        steps = self.handle_in_steps(user, incoming)
        return [*steps.now, *steps.finish()]

    def handle_in_steps(self, user: UserRef, incoming: Incoming) -> Steps:
        """Handle one input: the replies to send at once, and the slow work that follows.

        Everything the input changes is committed before this returns, so an adapter can
        send `now` straight away and run `finish()` after it (a phrasing suggestion or a
        review then arrives a little later, and never holds up the next question).
        """
        try:
            with self._sessions.begin() as session:
                now = self._clock()
                if incoming.delivery_id is not None:
                    source = user.external_id.split(":", 1)[0]
                    if not repo.claim_update(session, source, incoming.delivery_id, now):
                        log.info("delivery %s handled before; ignored", incoming.delivery_id)
                        return Steps([])
                row = repo.get_or_create_user(
                    session,
                    user.external_id,
                    user.display_name,
                    now,
                    role=self._access.initial_role(user.external_id),
                )
                self._access.settle_role(row)
                if not row.active:
                    raise UserFacingError(self._texts.access_revoked)
                if row.role == NO_ACCESS:
                    # Only the request is kept: the user row, never what they wrote.
                    return Steps(self._gate(Turn(session, row, ConversationState(), now), incoming))
                stored = repo.load_state(session, row.id)
                state = ConversationState.model_validate(stored) if stored else ConversationState()
                turn = Turn(session, row, state, now)
                replies = self._dispatch(turn, incoming)
                repo.save_state(session, row.id, turn.state.model_dump(mode="json"), now)
        except UserFacingError as error:
            return Steps([say(error.message)])
        return Steps(replies, turn.after_commit)

    def _gate(self, turn: Turn, incoming: Incoming) -> list[Reply]:
        """What a user without access can do: redeem an invite code, nothing else."""
        command = parse_command(incoming.text or "")
        if command is not None and command.name in ("start", "kod") and command.argument:
            return self._redeem(turn, command.argument)
        return [say(self._texts.access_needed)]

    def _redeem(self, turn: Turn, code: str) -> list[Reply]:
        if turn.user.role != NO_ACCESS:
            return [say(self._texts.already_has_access)]
        invite = access_repo.redeem_invite(turn.session, code, turn.user, turn.now)
        if invite is None:
            raise UserFacingError(self._texts.invite_invalid)
        turn.user.role = invite.role
        access_repo.audit(turn.session, turn.user, "invite_redeemed", turn.now, role=invite.role)
        welcome = self._texts.access_granted.format(role=role_name(self._desk.texts, invite.role))
        return self._start(turn, "", note=welcome)

    def _dispatch(self, turn: Turn, incoming: Incoming) -> list[Reply]:
        if incoming.file is not None:
            name = incoming.file.filename.lower()
            if name.endswith((".csv", ".xlsx")):
                return self._desk.import_sheet(turn, incoming.file.filename, incoming.file.data)
            return self._import_file(turn, incoming.file, incoming.text)
        if incoming.text is None:
            raise UserFacingError(self._texts.unsupported_message)
        text = self._validated_text(incoming.text)
        if incoming.edited:
            return self._edited_message(turn, text, incoming.message_ref)
        command = parse_command(text) or parse_phrase(text, self._template_of(turn))
        if command is not None:
            return self._run_command(turn, command)
        return self._plain_text(turn, text, incoming.message_ref)

    def _validated_text(self, raw: str) -> str:
        text = raw.strip()
        if not text:
            raise UserFacingError(self._texts.empty_message)
        if len(text) > MAX_MESSAGE_CHARS:
            raise UserFacingError(
                self._texts.message_too_long.format(length=len(text), limit=MAX_MESSAGE_CHARS)
            )
        if any(
            unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROL_CHARACTERS for ch in text
        ):
            raise UserFacingError(self._texts.control_characters)
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def _run_command(self, turn: Turn, command: Command) -> list[Reply]:
        handlers: dict[str, Callable[[Turn, str], list[Reply]]] = {
            "start": self._start,
            "hjalp": self._help,
            "ny": self._new_report,
            "mall": self._choose_template,
            "arenden": self._list_reports,
            "fortsatt": self._resume,
            "status": self._status,
            "tillbaka": self._back,
            "hoppa": self._skip,
            "fraga": self._go_to,
            "andra": self._edit,
            "klar": self._done,
            "utkast": self._draft,
            "granska": self._review,
            "dokument": self._documents,
            "avbryt": self._cancel,
            "forslag": self._suggestion_choice,
            "ja": self._confirm_yes,
            "nej": self._confirm_no,
        }
        if command.name in CoordinatorDesk.COMMANDS:
            return self._desk.run(turn, command.name, command.argument)
        if command.name == "kod":
            return self._redeem(turn, command.argument)
        handler = handlers.get(command.name)
        if handler is None:
            raise UserFacingError(self._texts.unknown_command.format(command=command.name[:30]))
        return handler(turn, command.argument)

    def _start(self, turn: Turn, argument: str, note: str | None = None) -> list[Reply]:
        if argument:
            return self._redeem(turn, argument)
        case = self._current_case_or_none(turn)
        blocks = [Block(note)] if note else []
        blocks.append(Block(self._texts.welcome.format(name=turn.user.display_name)))
        if may_coordinate(turn.user):
            blocks.append(Block(self._texts.welcome_coordinator))
        if case is not None:
            blocks.append(Block(self._texts.welcome_back.format(case_number=case.case_number)))
            buttons: tuple[tuple[Button, ...], ...] = (
                (Button(self._texts.button_resume, "/fortsatt"),),
            )
        else:
            buttons = ((Button(self._texts.button_new, "/ny"),),)
        return [Reply(tuple(blocks), buttons)]

    def _help(self, turn: Turn, _argument: str) -> list[Reply]:
        lines = [Block(self._texts.help_heading, Style.HEADING)]
        commands = COMMANDS + (COORDINATOR_COMMANDS if may_coordinate(turn.user) else ())
        lines.extend(Block(f"/{name} – {description}") for name, description in commands)
        lines.append(Block(self._texts.help_in_words, Style.ITALIC))
        lines.append(Block(self._where_now(turn)))
        return [Reply(tuple(lines))]

    def _where_now(self, turn: Turn) -> str:
        state = turn.state
        if state.awaiting is Awaiting.CASE_NUMBER:
            return self._texts.now_case_number
        if state.awaiting is Awaiting.TEMPLATE:
            return self._texts.now_template.format(case_number=state.pending_case_number)
        if state.awaiting in (Awaiting.CONFIRM, Awaiting.IMPORT_CONFIRM):
            return self._texts.now_confirm
        if state.awaiting is Awaiting.REGISTRATION:
            return self._texts.now_registration
        case = self._current_case_or_none(turn)
        if case is None:
            return self._texts.now_nothing
        template = self._catalog.get(case.template_id)
        answered = views.answered_count(template, self._answers(turn, case))
        if state.question_index is None:
            return self._texts.now_report.format(
                case_number=case.case_number, answered=answered, total=len(template.questions)
            )
        return self._texts.now_question.format(
            case_number=case.case_number,
            n=state.question_index + 1,
            total=len(template.questions),
            answered=answered,
            parts=len(state.parts),
        )

    def _status(self, turn: Turn, _argument: str) -> list[Reply]:
        return [say(self._where_now(turn))]

    def _new_report(self, turn: Turn, argument: str) -> list[Reply]:
        if not argument:
            note = self._commit_parts(turn)
            turn.state.question_index = None
            turn.state.clear_waiting()
            turn.state.awaiting = Awaiting.CASE_NUMBER
            return [say(*filter(None, [note, self._texts.ask_case_number]))]
        case_number = normalise_case_number(argument)
        existing = repo.find_case(turn.session, case_number)
        if existing is not None:
            if not repo.is_member(turn.session, existing.id, turn.user.id):
                raise UserFacingError(
                    self._texts.case_belongs_to_other.format(case_number=case_number)
                )
            return self._open_case(
                turn, existing, self._texts.case_exists_resuming.format(case_number=case_number)
            )
        note = self._commit_parts(turn)
        turn.state.question_index = None
        turn.state.clear_waiting()
        turn.state.awaiting = Awaiting.TEMPLATE
        turn.state.pending_case_number = case_number
        buttons = tuple((Button(t.name, f"/mall {t.id}"),) for t in self._catalog.all())
        return [
            say(
                *filter(None, [note, self._texts.choose_template.format(case_number=case_number)]),
                buttons=buttons,
            )
        ]

    def _choose_template(self, turn: Turn, argument: str) -> list[Reply]:
        if turn.state.awaiting is not Awaiting.TEMPLATE or not turn.state.pending_case_number:
            raise UserFacingError(self._texts.template_out_of_place)
        template = self._match_template(argument)
        if template is None:
            names = ", ".join(t.id for t in self._catalog.all())
            raise UserFacingError(self._texts.unknown_template.format(names=names))
        case_number = turn.state.pending_case_number
        if repo.find_case(turn.session, case_number) is not None:
            turn.state.clear_waiting()
            return [say(self._texts.case_belongs_to_other.format(case_number=case_number))]
        case = repo.create_case(turn.session, case_number, template.id, turn.user, turn.now)
        access_repo.audit(turn.session, turn.user, "case_created", turn.now, case_id=case.id)
        return self._open_case(
            turn,
            case,
            self._texts.report_started.format(case_number=case_number, name=template.name),
        )

    def _match_template(self, argument: str) -> Template | None:
        wanted = argument.strip().lower()
        if not wanted:
            return None
        return template_named(self._catalog, wanted)

    def _list_reports(self, turn: Turn, _argument: str) -> list[Reply]:
        cases = repo.cases_of_user(turn.session, turn.user.id)
        if not cases:
            return [
                say(self._texts.no_reports, buttons=((Button(self._texts.button_new, "/ny"),),))
            ]
        blocks = [Block(self._texts.reports_heading, Style.HEADING)]
        buttons = []
        for case in cases:
            template = self._catalog.get(case.template_id)
            answered = views.answered_count(template, self._answers(turn, case))
            blocks.append(
                Block(
                    self._texts.report_line.format(
                        case_number=case.case_number,
                        template=template.id,
                        answered=answered,
                        total=len(template.questions),
                    )
                )
            )
            buttons.append((Button(case.case_number, f"/fortsatt {case.case_number}"),))
        return [Reply(tuple(blocks), tuple(buttons[:10]))]

    def _resume(self, turn: Turn, argument: str) -> list[Reply]:
        if argument:
            case_number = normalise_case_number(argument)
            case = repo.find_case(turn.session, case_number)
            if case is None or not repo.is_member(turn.session, case.id, turn.user.id):
                raise UserFacingError(self._texts.case_not_yours.format(case_number=case_number))
            if case.id == turn.state.case_id:
                turn.state.clear_waiting()
                return self._ask(turn)
            return self._open_case(turn, case)
        current = self._current_case_or_none(turn)
        if current is not None:
            turn.state.clear_waiting()
            if turn.state.question_index is None:
                template = self._catalog.get(current.template_id)
                index = views.first_unanswered(template, self._answers(turn, current))
                return self._move_to(turn, index)
            return self._ask(turn)
        cases = repo.cases_of_user(turn.session, turn.user.id)
        if len(cases) == 1:
            return self._open_case(turn, cases[0])
        return self._list_reports(turn, "")

    def _back(self, turn: Turn, _argument: str) -> list[Reply]:
        _, template = self._current_case(turn)
        note = self._commit_parts(turn)
        index = turn.state.question_index
        turn.state.return_index = None
        target = len(template.questions) - 1 if index is None else max(0, index - 1)
        if index == 0:
            note = self._join(note, self._texts.already_first)
        return self._move_to(turn, target, note)

    def _skip(self, turn: Turn, _argument: str) -> list[Reply]:
        case, template = self._current_case(turn)
        index = turn.state.question_index
        if index is None:
            raise UserFacingError(self._texts.not_at_question)
        note = self._commit_parts(turn)
        question = template.questions[index]
        if question.required and question.key not in self._answers(turn, case):
            note = self._join(note, self._texts.skipped_required.format(n=index + 1))
        return self._advance(turn, template, note)

    def _advance(self, turn: Turn, template: Template, note: str | None) -> list[Reply]:
        index = turn.state.question_index
        if turn.state.return_index is not None:
            target: int | None = turn.state.return_index
            turn.state.return_index = None
        elif index is not None and index + 1 < len(template.questions):
            target = index + 1
        else:
            target = None
        return self._move_to(turn, target, note)

    def _go_to(self, turn: Turn, argument: str) -> list[Reply]:
        _, template = self._current_case(turn)
        index = resolve_question(argument, template) if argument else None
        if index is None:
            raise UserFacingError(self._texts.which_question.format(total=len(template.questions)))
        note = self._commit_parts(turn)
        turn.state.return_index = None
        return self._move_to(turn, index, note)

    def _edit(self, turn: Turn, argument: str) -> list[Reply]:
        case, template = self._current_case(turn)
        target, new_text = split_target(argument) if argument else ("", "")
        index = resolve_question(target, template) if target else None
        if index is None:
            raise UserFacingError(
                self._texts.which_question_to_edit.format(total=len(template.questions))
            )
        question = template.questions[index]
        if new_text:
            self._save(turn, case, template, question.key, [AnswerPart(text=new_text)])
            changed = self._texts.answer_changed.format(n=index + 1)
            if turn.state.question_index is None:
                return [say(changed)]
            return self._ask(turn, changed)
        note = self._commit_parts(turn)
        if turn.state.question_index is not None and turn.state.question_index != index:
            turn.state.return_index = turn.state.question_index
        return self._move_to(turn, index, note)

    def _done(self, turn: Turn, _argument: str) -> list[Reply]:
        case, template = self._current_case(turn)
        index = turn.state.question_index
        if index is None:
            raise UserFacingError(self._texts.not_at_question)
        question = template.questions[index]
        if turn.state.parts:
            note = self._commit_parts(turn)
            self._offer_phrasing(turn, case, template, question.key)
        elif question.key in self._answers(turn, case):
            note = self._texts.answer_kept.format(n=index + 1)
        else:
            raise UserFacingError(self._texts.nothing_written)
        return self._advance(turn, template, note)

    def _draft(self, turn: Turn, _argument: str) -> list[Reply]:
        case, template = self._current_case(turn)
        answers = self._answers(turn, case)
        return [
            views.draft_view(
                self._texts, template, case.case_number, answers, len(turn.state.parts)
            )
        ]

    def _review(self, turn: Turn, _argument: str) -> list[Reply]:
        snapshot = self._snapshot(turn)
        turn.after_commit.append(lambda: self._services.review(snapshot))
        return [say(self._texts.review_started.format(case_number=snapshot.case_number))]

    def _documents(self, turn: Turn, _argument: str) -> list[Reply]:
        case, _ = self._current_case(turn)
        snapshot = self._snapshot(turn)
        if not snapshot.missing_required and case.status == "finished":
            case.status = "sent_for_signature"
            access_repo.audit(turn.session, turn.user, "documents_made", turn.now, case_id=case.id)
        turn.after_commit.append(lambda: self._services.documents(snapshot))
        return [say(self._texts.documents_started)]

    def _cancel(self, turn: Turn, _argument: str) -> list[Reply]:
        state = turn.state
        if state.awaiting is not Awaiting.NOTHING:
            state.clear_waiting()
            return [say(self._texts.cancelled_choice)]
        if state.parts:
            state.awaiting = Awaiting.CONFIRM
            state.confirm_action = "discard_parts"
            return [
                say(
                    self._texts.confirm_discard.format(count=len(state.parts)),
                    buttons=(
                        (
                            Button(self._texts.button_yes_discard, "/ja"),
                            Button(self._texts.button_no_keep, "/nej"),
                        ),
                    ),
                )
            ]
        if state.question_index is not None:
            state.question_index = None
            state.return_index = None
            return [say(self._texts.left_questions)]
        return [say(self._texts.nothing_to_cancel)]

    def _confirm_yes(self, turn: Turn, _argument: str) -> list[Reply]:
        state = turn.state
        if state.awaiting in (Awaiting.IMPORT_CONFIRM, Awaiting.REGISTRATION):
            return self._plain_text(turn, "ja", None)
        if state.awaiting is not Awaiting.CONFIRM:
            raise UserFacingError(self._texts.nothing_to_confirm)
        if state.confirm_action == "discard_parts":
            count = len(state.parts)
            state.parts = []
            state.question_index = None
            state.return_index = None
            state.clear_waiting()
            return [say(self._texts.discarded.format(count=count))]
        state.clear_waiting()
        return [say(self._texts.nothing_to_confirm)]

    def _confirm_no(self, turn: Turn, _argument: str) -> list[Reply]:
        if turn.state.awaiting in (Awaiting.IMPORT_CONFIRM, Awaiting.REGISTRATION):
            return self._plain_text(turn, "nej", None)
        if turn.state.awaiting is not Awaiting.CONFIRM:
            raise UserFacingError(self._texts.nothing_to_confirm)
        turn.state.clear_waiting()
        return self._ask(turn, self._texts.kept)

    def _plain_text(self, turn: Turn, text: str, message_ref: str | None) -> list[Reply]:
        state = turn.state
        if state.awaiting is Awaiting.REGISTRATION:
            return self._desk.registration_input(turn, text)
        if state.awaiting is Awaiting.IMPORT_CONFIRM:
            return self._import_decision(turn, text)
        if state.awaiting is Awaiting.CASE_NUMBER:
            return self._new_report(turn, text)
        if state.awaiting is Awaiting.TEMPLATE:
            if self._match_template(text) is None:
                raise UserFacingError(self._texts.pick_template_with_buttons)
            return self._choose_template(turn, text)
        if state.awaiting is Awaiting.CONFIRM:
            answer = text.strip().lower().rstrip(".!")
            if answer in ("ja", "j", "yes"):
                return self._confirm_yes(turn, "")
            if answer in ("nej", "n", "no"):
                return self._confirm_no(turn, "")
            raise UserFacingError(self._texts.answer_yes_or_no)
        if state.question_index is not None:
            return self._answer_text(turn, text, message_ref)
        if looks_like_case_number(text):
            return self._new_report(turn, text)
        if self._current_case_or_none(turn) is not None:
            return [say(self._texts.report_open_not_at_question)]
        return [say(self._texts.not_understood)]

    def _answer_text(self, turn: Turn, text: str, message_ref: str | None) -> list[Reply]:
        case, template = self._current_case(turn)
        index = turn.state.question_index
        assert index is not None
        question = template.questions[index]
        part = AnswerPart(text=text, ref=message_ref)
        if not question.kind.collects_several_messages:
            self._save(turn, case, template, question.key, [part])
            return self._advance(turn, template, self._texts.answer_saved.format(n=index + 1))
        total = sum(len(p.text) for p in turn.state.parts) + len(text)
        if total > MAX_ANSWER_CHARS:
            raise UserFacingError(self._texts.answer_too_long.format(limit=MAX_ANSWER_CHARS))
        turn.state.parts.append(part)
        count = len(turn.state.parts)
        return [
            say(
                self._texts.part_received.format(count=count),
                buttons=((Button(self._texts.button_done, "/klar"),),),
            )
        ]

    def _edited_message(self, turn: Turn, text: str, message_ref: str | None) -> list[Reply]:
        """An edit in the chat: update the part or the stored answer it belongs to."""
        if message_ref is None:
            return [say(self._texts.edit_not_found)]
        for part in turn.state.parts:
            if part.ref == message_ref:
                total = sum(len(p.text) for p in turn.state.parts) - len(part.text) + len(text)
                if total > MAX_ANSWER_CHARS:
                    raise UserFacingError(
                        self._texts.answer_too_long.format(limit=MAX_ANSWER_CHARS)
                    )
                part.text = text
                return [say(self._texts.edit_applied_to_parts)]
        for case in repo.cases_of_user(turn.session, turn.user.id):
            template = self._catalog.get(case.template_id)
            for key, answer in self._answers(turn, case).items():
                # Message ids are counted per chat, so only this user's own answers match.
                if answer.author_user_id != turn.user.id:
                    continue
                refs = [p.get("ref") for p in answer.parts]
                if message_ref not in refs:
                    continue
                parts = [
                    AnswerPart(
                        text=text if p.get("ref") == message_ref else str(p["text"]),
                        ref=p.get("ref"),
                    )
                    for p in answer.parts
                ]
                self._save(turn, case, template, key, parts)
                number = template.index_of(key) + 1
                return [
                    say(
                        self._texts.edit_applied_to_answer.format(
                            n=number, case_number=case.case_number
                        )
                    )
                ]
        return [say(self._texts.edit_not_found)]
