"""Documents asked for before a crash are made after the restart, and the ärende's status
says "PDF för underskrift skapad" only once they exist.

The job is enqueued as the engine's turn enqueues it; a worker process claims it and is
SIGKILLed while it renders. After the restart (`recover`, then a round of the runner with
the real renderer, delivering through the Telegram adapter to the local Bot API server)
the documents reach the chat once and only then is the status set.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.documents.case_record import document_case
from bot.documents.render import render_report
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.messages import Attachment, Reply, say
from bot.engine.services import ReportSnapshot
from bot.engine.texts import load_texts
from bot.mall.template import TemplateCatalog
from bot.telegram.app import TelegramBot
from bot.telegram.jobs import ClaimedJob, JobRunner, Work, telegram_deliver
from storage import access_repository as access_repo
from storage import job_repository as jobs
from storage import repository as repo
from storage.db import SessionFactory, create_db_engine
from storage.models import Case, Job, User
from tests.conftest import MovableClock
from tests.fakes.bot_api import FakeBotApi
from tests.faults.bot_process import TOKEN

ROOT = Path(__file__).resolve().parents[2]
SIGNED = "sent_for_signature"


def documents_work(sessions: SessionFactory, catalog: TemplateCatalog) -> Work:
    """The documents of the ärende as they stand, and the status set when they exist."""

    def run(job: ClaimedJob) -> list[Reply]:
        with sessions() as session:
            case = session.get(Case, job.case_id)
            assert case is not None
            template = catalog.get(case.template_id)
            answers = {k: a.text for k, a in repo.current_answers(session, case.id).items()}
            snapshot = ReportSnapshot.from_case(case, template, answers)
        rendered = render_report(template, answers, document_case(snapshot))
        files = tuple(Attachment(f.filename, f.content, "application/octet-stream")
                      for f in rendered.files)  # fmt: skip
        return [Reply(say("Dokumenten är klara.").blocks, attachments=files)]

    def on_done(session: Session, job: ClaimedJob, now: datetime) -> None:
        case = session.get(Case, job.case_id)
        assert case is not None
        case.status = SIGNED
        access_repo.audit(session, session.get(User, job.user_id), "documents_made", now,
                          case_id=case.id)  # fmt: skip

    return Work(run, on_done)


def finished_report(sessions: SessionFactory, catalog: TemplateCatalog, now: datetime) -> int:
    """An ärende with every question answered; /dokument enqueues its documents job."""
    template = catalog.get("mall-2019")
    with sessions.begin() as session:
        user = repo.get_or_create_user(session, "telegram:4242", "Anna", now)
        case = repo.create_case(session, "STK-2018-1307", template.id, user, now)
        for number, question in enumerate(template.questions, start=1):
            text = f"Svar på fråga {number}: {question.text[:40]}"
            repo.save_answer(session, case.id, question.key, text, [], user, now)
        case.status = "finished"
        jobs.enqueue_job(session, "documents", user.id, user.external_id, now, case_id=case.id)
        return case.id


def status_and_job(sessions: SessionFactory, case_id: int) -> tuple[str, str]:
    with sessions() as session:
        case = session.get(Case, case_id)
        job = session.query(Job).filter(Job.case_id == case_id).one()
        assert case is not None
        return case.status, job.status


async def test_documents_asked_for_before_a_crash_are_made_after_restart(
    database_url: str,
    tmp_path: Path,
    catalog: TemplateCatalog,
    clock: MovableClock,
    api: FakeBotApi,
) -> None:
    engine = create_db_engine(database_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    try:
        case_id = finished_report(sessions, catalog, clock())
        marker = tmp_path / "marker"
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.job_process", database_url, str(marker)],
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert worker.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        assert status_and_job(sessions, case_id) == ("finished", "claimed")

        settings = Settings(
            telegram_bot_token=SecretStr(TOKEN),
            telegram_api_base_url=api.base_url,
            telegram_api_file_url=api.file_url,
            redovisa_data_dir=tmp_path,
        )
        conversation = Conversation(
            sessions, catalog, load_texts(), clock, access=AccessPolicy.open_to_all()
        )
        runner = JobRunner(sessions, {"documents": documents_work(sessions, catalog)}, clock)
        async with TelegramBot(settings, conversation, job_loop=False) as bot:
            send = telegram_deliver(bot.adapter, bot.application.bot)

            async def deliver(recipient: str, replies: list[Reply]) -> None:
                assert status_and_job(sessions, case_id)[0] == "finished"  # not before
                await send(recipient, replies)

            assert runner.recover() == 1
            assert await runner.run_once(deliver) == 1
            assert await runner.run_once(deliver) == 0  # done once
        sent = api.messages(4242)
        assert [m.text for m in sent if m.document is None] == ["Dokumenten är klara."]
        documents = {m.document[0].rsplit(".", 1)[1]: m.document[1] for m in sent if m.document}
        assert sorted(documents) == ["docx", "pdf"] and len(sent) == 3
        assert documents["pdf"].startswith(b"%PDF")
        assert status_and_job(sessions, case_id) == (SIGNED, "done")
        with sessions() as session:
            actions = [e.action for e in access_repo.audit_events(session, case_id)]
        assert actions.count("documents_made") == 1
    finally:
        engine.dispose()
