"""After the signature: the signed PDF sent back, the mail to the registrator, the nämnd's
tjänsteskrivelse and the coordinator's sammanställning.

The turn itself only decides (whose ärende, may they, is it signed) and enqueues a durable
job (bot/engine/after_signing_jobs.py); the slow part (pyHanko's check, the SMTP dialogue,
rendering, the language model) goes through the AfterSigningPort when the job runs, after
the turn is committed and outside its transaction, and is done again after a crash. A
refused file changes nothing.
"""

from __future__ import annotations

from bot.arende.signed_state import changed_after_signing
from bot.engine.access import is_admin, may_coordinate
from bot.engine.after_signing_jobs import (
    SAMMANSTALLNING,
    SIGNED_PDF,
    SUBMIT,
    TJANSTE_PROPOSAL,
    TJANSTESKRIVELSE,
    AfterSigningWork,
    pdf_payload,
)
from bot.engine.after_signing_view import (
    KEEP_DRAFT,
    USE_PROPOSAL,
    AfterSigningTexts,
    load_after_signing_texts,
)
from bot.engine.fact_texts import fact_texts
from bot.engine.job_steps import enqueue
from bot.engine.messages import IncomingFile, Reply, say
from bot.engine.services import AfterSigningPort
from bot.engine.signed_page import facts_off_the_signed_page
from bot.engine.turn import Turn
from bot.mall.case_numbers import looks_like_case_number, normalise_case_number
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog
from storage import access_repository as access_repo
from storage import repository as repo
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
        proposals: bool = True,
        catalog: TemplateCatalog | None = None,
    ) -> None:
        """`proposals`: ask the language model's proposal after each tjänsteskrivelse (the
        job says nothing when no model is configured); `catalog`: the malls, to hold a
        signed page against the facts as they are now (bot/engine/signed_page.py)."""
        self._port = port
        self._catalog = catalog
        self.texts = texts or load_after_signing_texts()
        self._proposals = proposals
        self.jobs = AfterSigningWork(port, self.texts)

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
        self._running()
        enqueue(
            turn, SIGNED_PDF, current.id if current else None,
            pdf=pdf_payload(file.data), expected=expected, allowed=sorted(allowed),
        )  # fmt: skip
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
        self._running()
        case = self._case_of(turn, argument, "skicka")
        if case.signed_at is None:
            raise UserFacingError(self.texts.not_signed_yet.format(case_number=case.case_number))
        if changed_after_signing(turn.session, [case.id]):
            # What was signed is not what is stored any more: nothing is sent.
            raise UserFacingError(
                self.texts.changed_after_signing.format(case_number=case.case_number)
            )
        off_the_page = (
            facts_off_the_signed_page(turn.session, case, self._catalog) if self._catalog else []
        )
        if off_the_page:
            labels = fact_texts()
            raise UserFacingError(
                self.texts.facts_changed_before_sending.format(
                    case_number=case.case_number,
                    facts=", ".join(labels[f"label_{name}"].lower() for name in off_the_page),
                )
            )
        recipients = list(case.recipients or [])
        if not recipients:
            # Nobody gave a recipient for the ärende: asked for, never the mall's values.
            raise UserFacingError(fact_texts().no_recipients.format(case_number=case.case_number))
        access_repo.audit(turn.session, turn.user, "submit_confirmed", turn.now, case_id=case.id)
        number = case.case_number
        enqueue(turn, SUBMIT, case.id, case_number=number)
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
        self._running()
        case = self._case_of(turn, argument, "tjansteskrivelse")
        number, author = case.case_number, turn.user.display_name
        turn.state.tjanste_proposal = {}  # a new draft: an older proposal is gone
        enqueue(turn, TJANSTESKRIVELSE, case.id, case_number=number, author=author)
        if self._proposals:
            enqueue(turn, TJANSTE_PROPOSAL, case.id, case_number=number)
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
        self._running()
        case = turn.own_case(int(pending["case_id"]))
        if case is None:
            raise UserFacingError(self.texts.no_tjanste_proposal)
        enqueue(
            turn, TJANSTESKRIVELSE, case.id, case_number=case.case_number,
            author=turn.user.display_name, summary=str(pending["summary"]),
            matter=str(pending["matter"]),
        )  # fmt: skip
        return [say(self.texts.tjanste_proposal_taken.format(case_number=case.case_number))]

    def _sammanstallning(self, turn: Turn, argument: str) -> list[Reply]:
        if not may_coordinate(turn.user):
            raise UserFacingError(self.texts.summary_coordinators_only)
        self._running()
        word = argument.strip()
        if not word:
            year = turn.now.year
        elif word.isdecimal() and word.isascii() and EARLIEST_YEAR <= int(word) <= LATEST_YEAR:
            year = int(word)
        else:
            raise UserFacingError(self.texts.summary_year_invalid)
        # The same ärenden as the coordinator's /oversikt (storage/visibility.py).
        coordinator_id = None if is_admin(turn.user) else turn.user.id
        enqueue(turn, SAMMANSTALLNING, year=year, coordinator_id=coordinator_id)
        return [say(self.texts.summary_started.format(year=year))]
