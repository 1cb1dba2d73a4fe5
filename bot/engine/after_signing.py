"""After the signature: the signed PDF sent back, the mail to the registrator, the nämnd's
tjänsteskrivelse and the coordinator's sammanställning.

The turn itself only decides (whose ärende, may they, is it signed) and records that the
user asked; the slow part (pyHanko's check, the SMTP dialogue, rendering) goes through the
AfterSigningPort after the turn is committed, outside the transaction and on the adapter's
slow worker thread, never inside an event loop. A refused file changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.documents.signed_state import changed_after_signing
from bot.engine.access import is_admin, may_coordinate
from bot.engine.after_signing_view import (
    KEEP_DRAFT,
    USE_PROPOSAL,
    AfterSigningTexts,
    checked_replies,
    files_reply,
    load_after_signing_texts,
    proposal_reply,
)
from bot.engine.fact_texts import fact_texts
from bot.engine.messages import IncomingFile, Reply, say
from bot.engine.services import AfterSigningPort, DraftProposal
from bot.engine.state import ConversationState
from bot.engine.turn import Clock, Turn
from bot.mall.case_numbers import looks_like_case_number, normalise_case_number
from bot.mall.errors import UserFacingError
from storage import access_repository as access_repo
from storage import repository as repo
from storage.db import SessionFactory
from storage.models import Case

# A caption that says the file is signed ("signerad", "signerat", "signering …").
CLAIMS_SIGNED = ("signer", "underskriven", "undertecknad")
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


class AfterSigning:
    """/skicka, /tjansteskrivelse, /sammanstallning and the signed PDF sent in the chat."""

    COMMANDS = ("skicka", "tjansteskrivelse", "sammanstallning")

    def __init__(
        self,
        port: AfterSigningPort | None,
        texts: AfterSigningTexts | None = None,
        sessions: SessionFactory | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._port = port
        self.texts = texts or load_after_signing_texts()
        # Where a language model's proposal is kept until the user chooses (none: no offer).
        self._sessions = sessions
        self._clock = clock or (lambda: datetime.now(UTC))

    def _running(self) -> AfterSigningPort:
        if self._port is None:
            raise UserFacingError(self.texts.not_running)
        return self._port

    # -- the signed PDF -------------------------------------------------------------------

    def claims(self, file: IncomingFile, caption: str | None) -> bool:
        """Is this file the signed report coming back (rather than a draft to import)? A PDF
        that carries a signature, or one whose caption or name says it is signed."""
        if not file.filename.lower().endswith(".pdf") and not file.data.startswith(b"%PDF"):
            return False
        said = f"{caption or ''} {file.filename}".lower()
        if any(word in said for word in CLAIMS_SIGNED):
            return True
        return self._port is not None and self._port.looks_signed(file.data)

    def receive(self, turn: Turn, file: IncomingFile) -> list[Reply]:
        """Check the signed PDF after the commit; it may belong to any of the user's
        ärenden, and to the current one when one is open."""
        port = self._running()
        current = turn.current_case()
        expected = current.case_number if current is not None else None
        allowed = frozenset(c.case_number for c in repo.cases_of_user(turn.session, turn.user.id))
        access_repo.audit(
            turn.session,
            turn.user,
            "signed_pdf_received",
            turn.now,
            case_id=current.id if current else None,
        )
        data = file.data
        turn.after_commit.append(
            lambda: checked_replies(self.texts, port.receive(data, expected, allowed))
        )
        return [say(self.texts.checking.format(filename=file.filename[:80]))]

    # -- commands -------------------------------------------------------------------------

    def run(self, turn: Turn, name: str, argument: str) -> list[Reply]:
        handler = {
            "skicka": self._submit,
            "tjansteskrivelse": self._tjansteskrivelse,
            "sammanstallning": self._sammanstallning,
        }[name]
        return handler(turn, argument)

    def _case_of(self, turn: Turn, argument: str, command: str) -> Case:
        """The ärende named in the argument, or the current one; it must be the user's."""
        word = argument.strip().split()[0] if argument.strip() else ""
        if not word:
            current = turn.current_case()
            if current is None:
                raise UserFacingError(self.texts.which_case.format(command=command))
            return current
        if not looks_like_case_number(word):
            raise UserFacingError(self.texts.which_case.format(command=command))
        number = normalise_case_number(word)
        case = repo.find_case(turn.session, number)
        if case is None or not turn.is_member(case):
            raise UserFacingError(self.texts.case_not_yours.format(case_number=number[:40]))
        return case

    def _submit(self, turn: Turn, argument: str) -> list[Reply]:
        port = self._running()
        case = self._case_of(turn, argument, "skicka")
        if case.signed_at is None:
            raise UserFacingError(self.texts.not_signed_yet.format(case_number=case.case_number))
        if changed_after_signing(turn.session, [case.id]):
            # What was signed is not what is stored any more: nothing is sent.
            raise UserFacingError(
                self.texts.changed_after_signing.format(case_number=case.case_number)
            )
        recipients = list(case.recipients or [])
        if not recipients:
            # Nobody gave a recipient for the ärende: asked for, never the mall's values.
            raise UserFacingError(fact_texts().no_recipients.format(case_number=case.case_number))
        access_repo.audit(turn.session, turn.user, "submit_confirmed", turn.now, case_id=case.id)
        number = case.case_number
        turn.after_commit.append(lambda: [say(port.submit(number).message)])
        facts = fact_texts()
        copy = (
            facts.send_copy.format(cc=", ".join(recipients[1:]))
            if len(recipients) > 1
            else facts.send_no_copy
        )
        return [
            say(
                self.texts.sending.format(case_number=number),
                facts.send_to.format(to=recipients[0]),
                copy,
            )
        ]

    def _tjansteskrivelse(self, turn: Turn, argument: str) -> list[Reply]:
        word = argument.strip().lower()
        if word in (USE_PROPOSAL, KEEP_DRAFT):
            return self._choose_proposal(turn, word)
        port = self._running()
        case = self._case_of(turn, argument, "tjansteskrivelse")
        number, author = case.case_number, turn.user.display_name
        user_id, case_id = turn.user.id, case.id
        turn.state.tjanste_proposal = {}  # a new draft: an older proposal is gone

        def drafted() -> list[Reply]:
            title, files = port.tjansteskrivelse(number, author)
            return [files_reply(self.texts.tjanste_ready.format(title=title), files)]

        def proposed() -> list[Reply]:
            """With a language model: its Sammanfattning and Ärendet, offered after the
            plain draft and kept in the user's state until they choose."""
            if self._sessions is None:
                return []
            proposal = port.tjansteskrivelse_proposal(number)
            if proposal is None:
                return []
            with self._sessions.begin() as session:
                stored = repo.load_state(session, user_id)
                state = ConversationState.model_validate(stored) if stored else ConversationState()
                state.tjanste_proposal = {
                    "case_id": case_id,
                    "summary": proposal.summary,
                    "matter": proposal.matter,
                }
                repo.save_state(session, user_id, state.model_dump(mode="json"), self._clock())
            return [proposal_reply(self.texts, proposal)]

        turn.after_commit.extend((drafted, proposed))
        return [say(self.texts.tjanste_started.format(case_number=number))]

    def _choose_proposal(self, turn: Turn, choice: str) -> list[Reply]:
        """ "Använd förslaget" renders the tjänsteskrivelse again with the model's text;
        "Behåll" leaves the plain draft. Either way the proposal is used up."""
        pending = turn.state.tjanste_proposal
        if not pending:
            raise UserFacingError(self.texts.no_tjanste_proposal)
        turn.state.tjanste_proposal = {}
        if choice == KEEP_DRAFT:
            return [say(self.texts.tjanste_proposal_kept)]
        port = self._running()
        case = turn.own_case(int(pending["case_id"]))
        if case is None:
            raise UserFacingError(self.texts.no_tjanste_proposal)
        number, author = case.case_number, turn.user.display_name
        proposal = DraftProposal(str(pending["summary"]), str(pending["matter"]))

        def redrafted() -> list[Reply]:
            title, files = port.tjansteskrivelse(number, author, proposal)
            return [files_reply(self.texts.tjanste_proposal_ready.format(title=title), files)]

        turn.after_commit.append(redrafted)
        return [say(self.texts.tjanste_proposal_taken.format(case_number=number))]

    def _sammanstallning(self, turn: Turn, argument: str) -> list[Reply]:
        if not may_coordinate(turn.user):
            raise UserFacingError(self.texts.summary_coordinators_only)
        port = self._running()
        word = argument.strip()
        if not word:
            year = turn.now.year
        elif word.isdecimal() and word.isascii() and EARLIEST_YEAR <= int(word) <= LATEST_YEAR:
            year = int(word)
        else:
            raise UserFacingError(self.texts.summary_year_invalid)

        # The same ärenden as the coordinator's /oversikt (storage/visibility.py).
        coordinator_id = None if is_admin(turn.user) else turn.user.id

        def summarised() -> list[Reply]:
            count, files = port.sammanstallning(year, coordinator_id)
            return [files_reply(self.texts.summary_ready.format(year=year, count=count), files)]

        turn.after_commit.append(summarised)
        return [say(self.texts.summary_started.format(year=year))]
