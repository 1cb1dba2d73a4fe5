"""The Telegram bot runs the jobs the turns enqueue: documents asked for before a restart
are made and sent when the bot starts, the status set once they exist; /dokument in the
chat is answered at once and its files follow from the job loop; several instances each
keep their share of Telegram's overall limit."""

from __future__ import annotations

from datetime import datetime

from bot.config import Settings
from bot.documents.case_record import document_case
from bot.documents.render import RenderedDocuments, render_report
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.services import EngineServices, ReportSnapshot
from bot.engine.texts import load_texts
from bot.mall.template import TemplateCatalog
from bot.telegram.outbound import MESSAGES_PER_SECOND, limits_of_one_of
from storage import job_repository as jobs
from storage import repository as repo
from storage.db import SessionFactory
from storage.models import Case, Job
from tests.conftest import MovableClock
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import RunBot


def render(snapshot: ReportSnapshot) -> RenderedDocuments:
    return render_report(snapshot.template, snapshot.answers, document_case(snapshot))


def finished_report(
    sessions: SessionFactory, catalog: TemplateCatalog, now: datetime, *, enqueue: bool
) -> int:
    template = catalog.get("mall-2019")
    with sessions.begin() as session:
        user = repo.get_or_create_user(session, "telegram:4242", "Anna", now)
        case = repo.create_case(session, "STK-2018-1307", template.id, user, now)
        for number, question in enumerate(template.questions, start=1):
            repo.save_answer(session, case.id, question.key, f"Svar {number}", [], user, now)
        case.status = "finished"
        if enqueue:
            jobs.enqueue_job(session, "documents", user.id, user.external_id, now, case_id=case.id)
        state = {"case_id": case.id}
        repo.save_state(session, user.id, state, now)
        return case.id


def status_and_jobs(sessions: SessionFactory, case_id: int) -> tuple[str, list[str]]:
    with sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case.status, [j.status for j in session.query(Job).order_by(Job.id)]


def with_documents(
    sessions: SessionFactory, catalog: TemplateCatalog, clock: MovableClock
) -> Conversation:
    return Conversation(
        sessions, catalog, load_texts(), clock, EngineServices(documents=render),
        access=AccessPolicy.open_to_all(),
    )  # fmt: skip


async def test_documents_asked_for_before_the_restart_are_sent_when_the_bot_starts(
    api: FakeBotApi,
    run_bot: RunBot,
    sqlite_session_factory: SessionFactory,
    catalog: TemplateCatalog,
    clock: MovableClock,
) -> None:
    case_id = finished_report(sqlite_session_factory, catalog, clock(), enqueue=True)
    user = api.private_chat(4242, "Anna")
    async with run_bot(with_documents(sqlite_session_factory, catalog, clock)):
        sent = await user.replies(lambda ms: len([m for m in ms if m.document]) >= 2)
    assert sorted(m.document[0].rsplit(".", 1)[1] for m in sent if m.document) == ["docx", "pdf"]
    assert status_and_jobs(sqlite_session_factory, case_id) == ("sent_for_signature", ["done"])


async def test_dokument_in_the_chat_is_answered_at_once_and_the_files_follow(
    api: FakeBotApi,
    run_bot: RunBot,
    sqlite_session_factory: SessionFactory,
    catalog: TemplateCatalog,
    clock: MovableClock,
) -> None:
    case_id = finished_report(sqlite_session_factory, catalog, clock(), enqueue=False)
    user = api.private_chat(4242, "Anna")
    conversation = with_documents(sqlite_session_factory, catalog, clock)
    async with run_bot(conversation, job_interval=3600.0) as bot:  # only a wake runs it now
        assert bot.jobs is conversation.job_runner
        user.send("/dokument ändå")  # not registered: without the facts it lacks
        sent = await user.replies(lambda ms: len([m for m in ms if m.document]) >= 2)
    assert sent[0].text == "Skapar dokumenten …"
    assert [m.document is not None for m in sent] == [False, False, True, True]
    assert status_and_jobs(sqlite_session_factory, case_id) == ("sent_for_signature", ["done"])


def test_each_of_several_instances_keeps_its_share_of_the_overall_limit() -> None:
    assert limits_of_one_of(1).per_second == MESSAGES_PER_SECOND
    assert limits_of_one_of(2).per_second * 2 == MESSAGES_PER_SECOND
    assert Settings(telegram_instances=3).telegram_instances == 3  # type: ignore[call-arg]
