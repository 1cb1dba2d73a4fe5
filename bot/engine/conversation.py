"""The conversation: one input from one user in, the replies out, everything stored between.

Each call to `Conversation.handle` is one transaction: the user's state, their answers and the
mark that a delivery was handled are committed together before the replies are returned, so a
crash after the commit loses nothing and a crash before it changes nothing.

The flow, as the user sees it:
- /ny STK-2018-1307 asks which mall to use (buttons "/mall mall-2019" …), then asks the
  questions in order, "Fråga 1 av 8".
- Short questions (nämnd, namn, underskrift) take one message. Longer ones collect every
  message as a part until the user says /klar (or "klar"); the parts are stored at once.
- /tillbaka, /hoppa, /fraga N, /andra N [text], /utkast, /avbryt, /status, /arenden,
  /fortsatt [diarienummer] move around; "ändra budgeten: …", "hoppa över" and the like
  work in words too. A message edited in the chat updates the answer it belongs to.
- Before a message becomes (part of) an answer, understanding.py decides whether it is
  one: talk about the chat ("avsluta", "?", "vet inte"; prompts/cues.toml) and a pasted
  whole report wait for the user to say what they meant. "ångra" / /angra takes back the
  last part or the last saved answer (undo.py). The signature question takes a block of
  lines, in one message or several (signature.py).

`Conversation` only reads the input, builds the turn and routes it; the use cases (lifecycle.py,
navigation.py, answering.py, importing.py, suggestions.py, report_output.py, coordination.py)
share the turn (turn.py) and the current report (reports.py).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future

from sqlalchemy.orm import Session

from bot.engine import notices, signed_notice
from bot.engine.access import NO_ACCESS, AccessPolicy
from bot.engine.after_signing import AfterSigning
from bot.engine.answering import Answering
from bot.engine.budget_ledger import BudgetLedger
from bot.engine.budget_wait import BudgetWait
from bot.engine.coordination import CoordinatorDesk
from bot.engine.cues import load_cues
from bot.engine.documents_request import DocumentsRequest
from bot.engine.fact_chat import FactDesk
from bot.engine.importing import DraftImport
from bot.engine.intents import load_intents
from bot.engine.jobs import JobRunner
from bot.engine.ledger_texts import load_ledger_texts
from bot.engine.lifecycle import Lifecycle
from bot.engine.messages import Incoming, Reply, UserRef, replies_to_json, say
from bot.engine.navigation import Navigation
from bot.engine.parsing import Command, parse_command, parse_phrase
from bot.engine.placing import MessagePlacing
from bot.engine.previous_answers import PreviousAnswers
from bot.engine.report_output import ReportOutput
from bot.engine.reports import MAX_ANSWER_CHARS, MAX_MESSAGE_CHARS, PART_SEPARATOR, Reports
from bot.engine.services import EngineServices
from bot.engine.signature import SignatureBlock
from bot.engine.state import Awaiting, ConversationState
from bot.engine.suggestions import PhrasingSuggestions
from bot.engine.talk import load_talk
from bot.engine.texts import BotTexts, CoordinationTexts, load_coordination_texts
from bot.engine.turn import Clock, Steps, Turn
from bot.engine.understanding import Understanding
from bot.engine.undo import Undo
from bot.engine.words import CommandWords
from bot.mall.case_numbers import looks_like_case_number
from bot.mall.clean_text import broken_characters, remove_invisible
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog, TemplateError
from storage import inbox_repository, locks
from storage import repository as repo
from storage.unit_of_work import Sessions, UnitOfWork

__all__ = ["MAX_ANSWER_CHARS", "MAX_MESSAGE_CHARS", "PART_SEPARATOR", "Clock", "Conversation",
           "Steps", "Turn"]  # fmt: skip

log = logging.getLogger(__name__)

ALLOWED_CONTROL_CHARACTERS = {"\n", "\r", "\t"}
# What the plain-text "ja" and "nej" answer, rather than a /ja or /nej of navigation.
WAITING_FOR_YES_OR_NO = (
    Awaiting.IMPORT_CONFIRM,
    Awaiting.REGISTRATION,
    Awaiting.UNCLEAR,
    Awaiting.BUDGET,
    Awaiting.FACTS,
)
# Commands that leave a message waiting for "Ja, det är mitt svar" where it is.
KEEP_WAITING_MESSAGE = {"svar", "lasin", "ja", "nej", "hjalp", "status", "angra", "start"}
# Commands after which further lines still go to the signature block just written.
KEEP_SIGNATURE_OPEN = {"svar", "ja", "nej", "utkast", "status", "hjalp"}


class Conversation:
    """The transport-free conversation engine: reads an input, routes it to a use case."""

    def __init__(
        self,
        session_factory: Sessions,
        catalog: TemplateCatalog,
        texts: BotTexts,
        clock: Clock,
        services: EngineServices | None = None,
        *,
        access: AccessPolicy,
        coordination_texts: CoordinationTexts | None = None,
    ) -> None:
        """`access` decides who may use the engine (AccessPolicy.open_to_all() opens it to
        every platform); `coordination_texts` None reads prompts/coordination.toml."""
        services = services or EngineServices()
        self.unit_of_work = UnitOfWork.of(session_factory)
        self._texts = texts
        self._clock = clock
        self._access = access
        coordination = coordination_texts or load_coordination_texts()
        self._desk = CoordinatorDesk(
            catalog, coordination, services.on_case_registered, services.dashboard_url
        )
        self._reports = Reports(catalog, texts)
        self._suggestions = PhrasingSuggestions(self._reports, services.phrasing, session_factory)
        self._lifecycle = Lifecycle(self._reports, coordination)
        self._navigation = Navigation(self._reports, self._suggestions)
        cues = load_cues()
        missing = sorted(key for key in cues.label_keys() if not hasattr(texts, key))
        if missing:
            raise TemplateError(f"prompts/cues.toml: okända knapptexter {missing}")
        signature = SignatureBlock(self._reports, cues)
        self._answering = Answering(self._reports, signature)
        self._imports = DraftImport(self._reports, services.importer)
        placing = MessagePlacing(self._reports, services.placing, session_factory)
        self._understanding = Understanding(
            self._reports,
            self._answering,
            signature,
            self._imports,
            cues,
            can_import=services.importer is not None,
            talk=load_talk(),
            intents=load_intents(),
            placing=placing,
        )
        self._undo = Undo(self._reports, cues)
        self._previous = PreviousAnswers(self._reports)
        self._ledger = BudgetLedger(
            self._reports, load_ledger_texts(), services.budget_reading, session_factory
        )
        self._budget = BudgetWait(self._ledger, self._reports, load_talk())
        self._words = CommandWords(self._reports, load_intents(), self._understanding)
        self._facts = FactDesk(self._reports)
        self._output = ReportOutput(
            self._reports, services.review, services.documents, session_factory, clock
        )
        self._requests = DocumentsRequest(self._reports, self._ledger, self._output)
        self._after_signing = AfterSigning(services.after_signing, catalog=catalog)
        # The jobs the turns enqueue (documents, reviews, everything after the signature):
        # a Telegram bot runs them in its job loop; `Steps.finish()` runs a turn's own at
        # once (terminal, `handle`).
        work = {
            **self._output.work(), **self._after_signing.jobs.work(), **self._ledger.work(),
            **notices.work(), **placing.work(),
        }  # fmt: skip
        self.job_runner = JobRunner(session_factory, work | self._suggestions.work(), clock)

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
            return self.unit_of_work.write(lambda session: self._turn(session, user, incoming))
        except UserFacingError as error:
            return Steps([say(error.message)])

    def handle_in_steps_soon(self, user: UserRef, incoming: Incoming) -> Future[Steps]:
        """`handle_in_steps` for an adapter on an event loop, which must not wait: a future
        of the steps once the turn is committed (a refusal raises UserFacingError)."""
        return self.unit_of_work.submit(lambda session: self._turn(session, user, incoming))

    def _turn(self, session: Session, user: UserRef, incoming: Incoming) -> Steps:
        """The turn's one transaction (`handle_in_steps`)."""
        locks.lock_turn(session, user.external_id)  # one turn per user at a time
        now = self._clock()
        if (delivery := incoming.delivery_id) is not None:
            source = user.external_id.split(":", 1)[0]
            if not repo.claim_update(session, source, delivery, now, mark_handled=False):
                log.info("delivery %s handled before; ignored", delivery)
                return Steps([])
        row = repo.get_or_create_user(
            session,
            user.external_id,
            user.display_name,
            now,
            role=self._access.initial_role(user.external_id),
            username=user.username,
        )
        self._access.settle_role(row)
        if not row.active:
            raise UserFacingError(self._texts.access_revoked)
        if row.role == NO_ACCESS:
            # Only the request is kept: the user row, never what they wrote.
            if delivery is not None:
                inbox_repository.mark_handled(session, source, delivery, now)
            return Steps(self._gate(Turn(session, row, ConversationState(), now), incoming))
        stored = repo.load_state(session, row.id)
        state = ConversationState.model_validate(stored) if stored else ConversationState()
        turn = Turn(session, row, state, now)
        replies = self._dispatch(turn, incoming)
        replies = self._budget.after_input(turn, replies)
        replies = [*replies, *self._facts.after_saves(turn), *signed_notice.after_saves(turn)]
        notices.send_later(turn, self._desk.membership.batched_notices(turn))
        if delivery is not None:  # handled; its replies sent again if a crash loses them
            kept = replies_to_json(replies)
            inbox_repository.keep_replies(session, source, delivery, kept, now)
        repo.save_state(session, row.id, turn.state.model_dump(mode="json"), now)
        return Steps(
            replies, turn.notices, turn.jobs, self.job_runner.run_now, turn.jobs_for_others
        )

    def has_access(self, user: UserRef) -> bool:
        """Whether `user` gets past the gate; read only, so an adapter can ask before it
        fetches what the user sent (a file)."""
        with self.unit_of_work.reading() as session:
            return self._access.lets_in(user.external_id, repo.find_user(session, user.external_id))

    def _gate(self, turn: Turn, incoming: Incoming) -> list[Reply]:
        """What a user without access can do: redeem an invite code, nothing else."""
        command = parse_command(incoming.text or "")
        if command is not None and command.name in ("start", "kod") and command.argument:
            return self._lifecycle.redeem(turn, command.argument)
        return [say(self._texts.access_needed)]

    def _dispatch(self, turn: Turn, incoming: Incoming) -> list[Reply]:
        if incoming.file is not None:
            if self._after_signing.claims(incoming.file, incoming.text):
                return self._after_signing.receive(turn, incoming.file)
            name = incoming.file.filename.lower()
            if name.endswith((".csv", ".xlsx")):
                return self._desk.import_sheet(turn, incoming.file.filename, incoming.file.data)
            return self._imports.import_file(turn, incoming.file, incoming.text)
        if incoming.text is None:
            raise UserFacingError(self._texts.unsupported_message)
        cleaned = remove_invisible(self._validated_text(incoming.text))
        if not cleaned.text.strip():
            raise UserFacingError(self._texts.empty_message)
        replies = self._dispatch_text(turn, cleaned.text.strip(), incoming)
        if cleaned.changed:
            # What is signed must be what is stored: the user hears what was taken out.
            note = self._texts.invisible_removed.format(
                what=" och ".join(cleaned.removed_kinds()),
                codes=", ".join(cleaned.removed_codes()),
            )
            replies = [say(note), *replies]
        return replies

    def _dispatch_text(self, turn: Turn, text: str, incoming: Incoming) -> list[Reply]:
        if incoming.edited:
            return self._answering.edited_message(turn, text, incoming.message_ref)
        command = (
            parse_command(text)
            or parse_phrase(text, self._reports.template_of(turn))
            or self._words.command(turn, text)
        )
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
        broken = broken_characters(text)
        if broken:  # half an emoji: it cannot be stored, and nothing of the message is
            raise UserFacingError(self._texts.broken_characters.format(codes=", ".join(broken)))
        if any(
            unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROL_CHARACTERS for ch in text
        ):
            raise UserFacingError(self._texts.control_characters)
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def _run_command(self, turn: Turn, command: Command) -> list[Reply]:
        handlers: dict[str, Callable[[Turn, str], list[Reply]]] = {
            "start": self._lifecycle.start,
            "hjalp": self._lifecycle.help,
            "ny": self._lifecycle.new_report,
            "mall": self._lifecycle.choose_template,
            "arenden": self._lifecycle.list_reports,
            "fortsatt": self._lifecycle.resume,
            "status": self._lifecycle.status,
            "tillbaka": self._navigation.back,
            "hoppa": self._navigation.skip,
            "fraga": self._navigation.go_to,
            "andra": self._navigation.edit,
            "klar": self._navigation.done,
            "utkast": self._navigation.draft,
            "granska": self._output.review,
            "dokument": self._requests.documents,
            "avbryt": self._navigation.cancel,
            "forslag": self._suggestions.choose,
            "angra": self._undo.undo,
            "forra": self._previous.choose,
            "svar": self._understanding.keep,
            "lasin": self._understanding.read_in,
            "budget": lambda t, a: self._requests.budget_word(
                t, lambda: self._budget.command(t, a)
            ),
            "uppgifter": self._facts.command,
            "ja": self._confirm_yes,
            "nej": self._confirm_no,
        }
        state = turn.state
        known = {*handlers, *AfterSigning.COMMANDS, *CoordinatorDesk.COMMANDS, "kod"}
        if command.name not in known:
            return self._words.unknown(turn, command.name)
        if state.awaiting is Awaiting.BUDGET and command.name in ("klar", "hoppa"):
            return self._budget.leave_open(turn, "")  # on without a word: an open point
        if state.awaiting is Awaiting.UNCLEAR and command.name not in KEEP_WAITING_MESSAGE:
            state.clear_waiting()  # the user chose a command: the waiting message goes
        if command.name not in KEEP_SIGNATURE_OPEN:
            state.signature_open = None
        if command.name in AfterSigning.COMMANDS:
            return self._after_signing.run(turn, command.name, command.argument)
        if command.name in CoordinatorDesk.COMMANDS:
            return self._desk.run(turn, command.name, command.argument)
        if command.name == "kod":
            return self._lifecycle.redeem(turn, command.argument)
        return handlers[command.name](turn, command.argument)

    def _plain_text(self, turn: Turn, text: str, message_ref: str | None) -> list[Reply]:
        state = turn.state
        if self._ledger.takes(turn, text):
            return self._requests.budget_word(turn, lambda: self._ledger.reply(turn, text))
        if state.awaiting is Awaiting.BUDGET:
            return self._requests.budget_word(turn, lambda: self._budget.word(turn, text))
        # The ärende's facts said in words (fact_chat.py): read back for a yes first.
        if self._facts.takes(turn, text):
            return self._facts.reply(turn, text)
        if state.awaiting is Awaiting.UNCLEAR:
            meant = self._understanding.meant_command(turn, text)
            if meant is not None:
                command = parse_command(meant)
                assert command is not None
                return self._run_command(turn, command)
            decided = self._understanding.decide(turn, text, message_ref)
            if decided is not None:
                return decided
        if state.awaiting is Awaiting.NOTHING:
            offer = self._understanding.whole_report(turn, text, message_ref)
            if offer is not None:
                return offer
        if state.awaiting is Awaiting.REGISTRATION:
            return self._desk.registration_input(turn, text)
        if state.awaiting is Awaiting.IMPORT_CONFIRM:
            return self._imports.decide(turn, text)
        if state.awaiting is Awaiting.CASE_NUMBER:
            return self._lifecycle.new_report(turn, text)
        if state.awaiting is Awaiting.TEMPLATE:
            if self._lifecycle.match_template(text) is None:
                raise UserFacingError(self._texts.pick_template_with_buttons)
            return self._lifecycle.choose_template(turn, text)
        if state.awaiting is Awaiting.CONFIRM:
            answer = text.strip().lower().rstrip(".!")
            if answer in ("ja", "j", "yes"):
                return self._confirm_yes(turn, "")
            if answer in ("nej", "n", "no"):
                return self._confirm_no(turn, "")
            raise UserFacingError(self._texts.answer_yes_or_no)
        if state.question_index is not None:
            correction = self._budget.correction_after_budget(turn, text)
            if correction is not None:
                return correction
            return self._understanding.at_question(turn, text, message_ref)
        if state.signature_open is not None:
            more = self._understanding.after_signature(turn, text, message_ref)
            if more is not None:
                return more
        if looks_like_case_number(text):
            return self._lifecycle.new_report(turn, text)
        return self._words.at_no_question(turn, text)

    def _confirm_yes(self, turn: Turn, _argument: str) -> list[Reply]:
        if turn.state.awaiting in WAITING_FOR_YES_OR_NO:
            return self._plain_text(turn, "ja", None)
        return self._navigation.confirm_yes(turn, "")

    def _confirm_no(self, turn: Turn, _argument: str) -> list[Reply]:
        if turn.state.awaiting in WAITING_FOR_YES_OR_NO:
            return self._plain_text(turn, "nej", None)
        return self._navigation.confirm_no(turn, "")
