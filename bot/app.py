"""Putting the parts together: settings in, a ready Conversation out."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.arende import after_signing
from bot.config import Settings
from bot.documents.case_record import document_case, file_facts
from bot.documents.file_reader import READ_AHEAD
from bot.documents.for_signature import render_for_signature
from bot.documents.importer import import_report
from bot.documents.mail import MailSettings
from bot.documents.render import RenderedDocuments
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Clock, Conversation
from bot.engine.reminder_store import StoredReminders, plan_case_reminders
from bot.engine.services import (
    DraftedTjansteskrivelse,
    DraftProposal,
    EngineServices,
    ImportedDraft,
    MessagePlace,
    MessageToPlace,
    OutputFile,
    PhrasingProposal,
    ReportSnapshot,
    SignedReportCheck,
    SubmissionResult,
)
from bot.engine.texts import load_coordination_texts, load_texts
from bot.llm_usage import StorageUsageRecorder
from bot.mall.errors import UserFacingError
from bot.mall.template import Question, TemplateCatalog, load_catalog
from bot.reminders.schedule import ReminderSchedule
from bot.reminders.sender import Notifier
from bot.reminders.service import ReminderJob, questions_from_catalog
from bot.reminders.texts import load_texts as load_reminder_texts
from bot.review.budget import BudgetReading, read_budget
from bot.review.checks import run_checks
from bot.review.findings import CaseFacts
from bot.review.llm_budget import TwoReaders
from bot.review.llm_placing import UnplacedMessage, load_placing_prompt, place_message
from bot.review.llm_reviewer import LlmReviewer
from bot.review.perspectives import Perspective
from bot.review.service import ReviewResult, review_report
from storage.db import SessionFactory, open_database
from storage.models import Case, User

log = logging.getLogger(__name__)

SWEDISH_TIME = ZoneInfo("Europe/Stockholm")  # the document's date is the day in Malmö


def swedish_today(clock: Clock) -> date:
    """The day in Malmö: a document's date, whatever the server's time zone."""
    return clock().astimezone(SWEDISH_TIME).date()


def system_clock() -> datetime:
    return datetime.now(UTC)


def load_templates(settings: Settings) -> TemplateCatalog:
    return load_catalog(settings.templates_dir())


def facts_of(snapshot: ReportSnapshot) -> CaseFacts:
    """What the checks know of the ärende: registered, and confirmed in the budget ledger."""
    return CaseFacts(
        case_number=snapshot.case_number,
        granted_amount_kr=snapshot.granted_amount_kr,
        confirmed_granted_kr=snapshot.confirmed_granted_kr,
        confirmed_used_kr=snapshot.confirmed_used_kr,
        previous_case_number=snapshot.previous_case_number,
        previous_answers=snapshot.previous_answers,
    )


class ReportServices:
    """The review, document, import and phrasing ports of one installation."""

    def __init__(
        self,
        catalog: TemplateCatalog,
        llm: LlmReviewer,
        clock: Clock = system_clock,
    ) -> None:
        self._catalog = catalog
        self._llm = llm
        self._clock = clock
        self._placing_prompt = load_placing_prompt()  # a broken file stops the start

    def review(self, snapshot: ReportSnapshot) -> ReviewResult:
        return review_report(
            snapshot.template,
            snapshot.answers,
            facts_of(snapshot),
            granted_for=(
                [Perspective(p) for p in snapshot.perspectives]
                if snapshot.perspectives is not None
                else None
            ),
            llm=self._llm,
            case_id=snapshot.case_id,
        )

    def documents(self, snapshot: ReportSnapshot) -> RenderedDocuments:
        """The report's files: final only when the deterministic checks find no error;
        otherwise marked UTKAST with what is missing and every error in the draft's list."""
        findings = run_checks(snapshot.template, snapshot.answers, facts_of(snapshot))
        today = swedish_today(self._clock)
        return render_for_signature(
            snapshot.template, snapshot.answers, document_case(snapshot), findings, today
        )

    def import_draft(self, filename: str, data: bytes) -> ImportedDraft:
        report = import_report(filename, data, self._catalog, READ_AHEAD.read)
        return ImportedDraft(
            template_id=report.template_id,
            answers=dict(report.answers),
            case_number=report.case_number,
            unassigned_text=tuple(report.unassigned_text),
            facts=file_facts(report),
        )

    def budget_reading(self, text: str, granted_hint: int | None, case_id: int) -> BudgetReading:
        """The budget answer read by the rules and the model; the rules alone without one."""
        client = self._llm.client
        if client is None:
            return read_budget(text, granted_hint)
        return TwoReaders(client, masking=self._llm.masking, case_id=case_id)(text, granted_hint)

    def phrasing(self, question: Question, text: str, case_id: int) -> PhrasingProposal | None:
        found = self._llm.suggest_phrasing(question, text, case_id)
        return PhrasingProposal(found.suggestion, found.explanation) if found else None

    def placing(self, message: MessageToPlace) -> MessagePlace | None:
        """The model's verdict on a message the chat asked about (masked like the review's)."""
        client = self._llm.client
        if client is None:
            return None
        question = message.question
        unplaced = UnplacedMessage(
            message.text, question.text, question.hint, question.shape.value,
            message.parts_written, message.commands,
        )  # fmt: skip
        found = place_message(
            client, unplaced, masking=self._llm.masking, case_id=message.case_id,
            prompt=self._placing_prompt,
        )  # fmt: skip
        return MessagePlace(found.verdict, found.command) if found else None


class AfterSigningServices:
    """The engine's AfterSigningPort: pyHanko's check, the mail (SMTP or the outbox) and
    the renderers of the tjänsteskrivelse and the sammanställning (bot/documents)."""

    def __init__(
        self,
        sessions: SessionFactory,
        catalog: TemplateCatalog,
        mail: MailSettings,
        clock: Clock,
        llm: LlmReviewer | None = None,
    ) -> None:
        self._sessions = sessions
        self._catalog = catalog
        self._mail = mail
        self._clock = clock
        self._llm = llm  # drafts the tjänsteskrivelse's text when a model is configured

    def looks_signed(self, data: bytes) -> bool:
        return after_signing.looks_signed(data)

    def receive(
        self, pdf: bytes, expected_case_number: str | None, allowed_case_numbers: frozenset[str]
    ) -> SignedReportCheck:
        result = after_signing.receive_signed_pdf(
            self._sessions, pdf, self._clock(), expected_case_number, allowed_case_numbers
        )
        if not result.valid or result.case_number is None:
            return SignedReportCheck(False, result.message, result.case_number)
        to, cc = after_signing.case_recipients(self._sessions, result.case_number, self._catalog)
        mismatch = result.signer_matches_signature_block is False
        return SignedReportCheck(
            True, result.message, result.case_number, to, cc,
            signer=result.signer if mismatch else None,
            block_name=result.signature_block_name if mismatch else None,
        )  # fmt: skip

    def submit(self, case_number: str) -> SubmissionResult:
        sent = after_signing.submit_signed_report(
            self._sessions, case_number, self._catalog, self._mail, self._clock
        )
        return SubmissionResult(sent.outcome.value, sent.message)

    def tjansteskrivelse(
        self, case_number: str, author_name: str | None, proposal: DraftProposal | None = None
    ) -> DraftedTjansteskrivelse:
        author = User(display_name=author_name) if author_name else None
        doc, rendered = after_signing.tjansteskrivelse_for_case(
            self._sessions, case_number, self._catalog, swedish_today(self._clock), author,
            summary_suggestion=proposal.summary if proposal else None,
            matter_suggestion=proposal.matter if proposal else None,
        )  # fmt: skip
        files = tuple(OutputFile(name, data, media) for name, media, data in rendered.files)
        return DraftedTjansteskrivelse(doc.title, doc.gaps, files)

    def tjansteskrivelse_proposal(self, case_number: str) -> DraftProposal | None:
        client = self._llm.client if self._llm is not None else None
        if client is None or self._llm is None:
            return None
        try:
            found = after_signing.tjansteskrivelse_suggestion(
                self._sessions, case_number, self._catalog, swedish_today(self._clock), client,
                self._llm.masking,
            )  # fmt: skip
        except UserFacingError:  # the plain draft has already said why: say it once
            return None
        return DraftProposal(found.summary, found.matter) if found else None

    def sammanstallning(
        self, year: int, coordinator_id: int | None = None
    ) -> tuple[int, tuple[OutputFile, ...]]:
        summary, rendered = after_signing.sammanstallning_for_year(
            self._sessions, year, self._catalog, swedish_today(self._clock), coordinator_id
        )
        return len(summary.rows), tuple(
            OutputFile(name, data, media) for name, media, data in rendered.files
        )


def build_services(
    settings: Settings,
    catalog: TemplateCatalog,
    sessions: SessionFactory,
    clock: Clock,
) -> EngineServices:
    llm = LlmReviewer.from_settings(settings, usage=StorageUsageRecorder(sessions, clock))
    services = ReportServices(catalog, llm, clock)
    schedule = ReminderSchedule.from_settings(settings)

    def plan_reminders(session: Session, case: Case, now: datetime) -> None:
        plan_case_reminders(session, case, schedule, now)

    return EngineServices(
        review=services.review,
        documents=services.documents,
        importer=services.import_draft,
        phrasing=services.phrasing if llm.available else None,
        budget_reading=services.budget_reading if llm.available else None,
        placing=services.placing if llm.available else None,
        on_case_registered=plan_reminders,
        after_signing=AfterSigningServices(
            sessions,
            catalog,
            MailSettings.from_settings(settings),
            clock,
            llm if llm.available else None,
        ),  # fmt: skip
        dashboard_url=settings.redovisa_web_url,
    )


@dataclass(frozen=True)
class Assembly:
    """The running program's parts, built once from the settings."""

    settings: Settings
    conversation: Conversation
    sessions: SessionFactory
    catalog: TemplateCatalog
    clock: Clock

    def reminder_job(self, notifier: Notifier) -> ReminderJob:
        return ReminderJob(
            store=StoredReminders(self.sessions),
            notifier=notifier,
            questions=questions_from_catalog(self.catalog),
            texts=load_reminder_texts(),
            schedule=ReminderSchedule.from_settings(self.settings),
            clock=self.clock,
        )


def assemble(settings: Settings, clock: Clock = system_clock) -> Assembly:
    """Open (and migrate) the database, load templates and texts, wire the services."""
    catalog = load_templates(settings)
    texts = load_texts()
    coordination_texts = load_coordination_texts()
    _, sessions = open_database(settings.resolved_database_url())
    services = build_services(settings, catalog, sessions, clock)
    access = AccessPolicy.from_admin_telegram_ids(settings.telegram_admin_ids)
    conversation = Conversation(
        sessions,
        catalog,
        texts,
        clock,
        services,
        access=access,
        coordination_texts=coordination_texts,
    )
    return Assembly(settings, conversation, sessions, catalog, clock)


def build_conversation(settings: Settings, clock: Clock = system_clock) -> Conversation:
    return assemble(settings, clock).conversation
