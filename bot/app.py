"""Putting the parts together: settings in, a ready Conversation out."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.documents.case_record import document_case
from bot.documents.importer import import_report
from bot.documents.render import RenderedDocuments, render_report
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Clock, Conversation
from bot.engine.services import (
    EngineServices,
    ImportedDraft,
    PhrasingProposal,
    ReportSnapshot,
)
from bot.engine.texts import load_coordination_texts, load_texts
from bot.llm_usage import StorageUsageRecorder
from bot.mall.template import Question, TemplateCatalog, load_catalog
from bot.reminders.schedule import ReminderSchedule
from bot.reminders.sender import Notifier
from bot.reminders.service import ReminderJob, plan_case_reminders, questions_from_catalog
from bot.reminders.texts import load_texts as load_reminder_texts
from bot.review.checks import run_checks
from bot.review.findings import CaseFacts
from bot.review.llm_reviewer import LlmReviewer
from bot.review.perspectives import Perspective
from bot.review.service import ReviewResult, review_report
from storage.db import SessionFactory, open_database
from storage.models import Case

log = logging.getLogger(__name__)


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
    )


class ReportServices:
    """The review, document, import and phrasing ports of one installation."""

    def __init__(
        self,
        catalog: TemplateCatalog,
        llm: LlmReviewer,
    ) -> None:
        self._catalog = catalog
        self._llm = llm

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
        findings = run_checks(snapshot.template, snapshot.answers, facts_of(snapshot))
        return render_report(
            snapshot.template, snapshot.answers, document_case(snapshot), findings=findings
        )

    def import_draft(self, filename: str, data: bytes) -> ImportedDraft:
        report = import_report(filename, data, self._catalog)
        return ImportedDraft(
            template_id=report.template_id,
            answers=dict(report.answers),
            case_number=report.case_number,
            unassigned_text=tuple(report.unassigned_text),
        )

    def phrasing(self, question: Question, text: str, case_id: int) -> PhrasingProposal | None:
        found = self._llm.suggest_phrasing(question, text, case_id)
        return PhrasingProposal(found.suggestion, found.explanation) if found else None


def build_services(
    settings: Settings,
    catalog: TemplateCatalog,
    sessions: SessionFactory,
    clock: Clock,
) -> EngineServices:
    llm = LlmReviewer.from_settings(settings, usage=StorageUsageRecorder(sessions, clock))
    services = ReportServices(catalog, llm)
    schedule = ReminderSchedule.from_settings(settings)

    def plan_reminders(session: Session, case: Case, now: datetime) -> None:
        plan_case_reminders(session, case, schedule, now)

    return EngineServices(
        review=services.review,
        documents=services.documents,
        importer=services.import_draft,
        phrasing=services.phrasing if llm.available else None,
        on_case_registered=plan_reminders,
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
            session_factory=self.sessions,
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
