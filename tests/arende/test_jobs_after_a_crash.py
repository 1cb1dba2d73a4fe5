"""Every slow step after the signature is a durable job: a process that dies after the step
started and before it was finished leaves it to the next process, which does it exactly
once — the signed PDF kept once, one mail, the tjänsteskrivelse and the sammanställning
delivered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import Assembly, assemble
from bot.config import Settings
from bot.engine.after_signing_jobs import (
    SAMMANSTALLNING,
    SIGNED_PDF,
    SUBMIT,
    TJANSTE_PROPOSAL,
    TJANSTESKRIVELSE,
)
from bot.engine.messages import Incoming, IncomingFile, Reply, UserRef
from storage import repository as repo
from storage.models import Job, SentMail, SignedReport
from tests.conftest import MovableClock
from tests.documents.signing_helpers import sign

CASE = "STK-2019-0421"
ANNA = UserRef("terminal:anna", "Anna")


def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",  # type: ignore[call-arg]
        redovisa_data_dir=tmp_path,
    )


@pytest.fixture
def first(tmp_path: Path, clock: MovableClock) -> Iterator[Assembly]:
    clock.now = datetime(2019, 11, 2, 9, 0, tzinfo=UTC)
    built = assemble(settings(tmp_path), clock)
    yield built
    built.sessions.kw["bind"].dispose()


def restart(tmp_path: Path, clock: MovableClock) -> Assembly:
    """A new process on the same database: it takes over what the dead one left."""
    return assemble(settings(tmp_path), clock)


def finished_report(assembly: Assembly, clock: MovableClock) -> None:
    conversation = assembly.conversation
    conversation.handle(ANNA, Incoming(text=f"/ny {CASE}"))
    conversation.handle(ANNA, Incoming(text="/mall mall-2019"))
    with assembly.sessions.begin() as session:
        case = repo.find_case(session, CASE)
        user = repo.find_user(session, ANNA.external_id)
        assert case is not None and user is not None
        case.committee = "Servicenämnden"
        case.granted_amount_kr = 400_000
        case.recipients = ["registrator@malmo.se", "kopia@malmo.se"]
        case.decision_date = date(2019, 3, 11)
        case.last_reply_date = date(2020, 2, 28)
        for question in assembly.catalog.get(case.template_id).questions:
            text = {
                "budget": "Nämnden beviljades 400 000 kr och har använt 390 000 kr.",
                "underskrift": "Eva Lund\nFörvaltningschef",
            }.get(question.key, "Förvaltningen har utbildat personalen i workshops.")
            repo.save_answer(session, case.id, question.key, text, [], user, clock())
        case.status = "finished"


def died_during(assembly: Assembly, text: str, file: IncomingFile | None = None) -> list[str]:
    """The user's message is committed and its jobs started (claimed); then the process
    dies. Returns the kinds of job it had started."""
    incoming = Incoming(file=file) if file else Incoming(text=text)
    steps = assembly.conversation.handle_in_steps(ANNA, incoming)
    ids = steps.hand_over_jobs()
    claimed = assembly.conversation.job_runner.claim(ids=ids)
    assert sorted(job.id for job in claimed) == sorted(ids) and ids
    return sorted(job.kind for job in claimed)


def taken_over(assembly: Assembly) -> tuple[list[str], list[Reply]]:
    """What the next process does on start: the dead claims released, the jobs done."""
    runner = assembly.conversation.job_runner
    assert runner.recover() >= 1
    done, replies = [], []
    for job in runner.claim():
        job, said = runner.do(job)
        assert runner.finish(job)
        done.append(job.kind)
        replies.extend(said)
    assert runner.claim() == []  # nothing left, nothing twice
    return done, replies


def count(assembly: Assembly, table: type) -> int:
    with assembly.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def signed_pdf(assembly: Assembly, tmp_path: Path) -> bytes:
    replies = assembly.conversation.handle(ANNA, Incoming(text="/dokument"))
    (pdf,) = [a.data for r in replies for a in r.attachments if a.filename.endswith(".pdf")]
    return sign(pdf, tmp_path, common_name="Eva Lund")


def test_each_step_after_the_signature_is_done_once_by_the_next_process(
    first: Assembly, tmp_path: Path, clock: MovableClock
) -> None:
    finished_report(first, clock)
    pdf = signed_pdf(first, tmp_path)

    assert died_during(first, "", IncomingFile(f"{CASE}_signerad.pdf", pdf)) == [SIGNED_PDF]
    second = restart(tmp_path, clock)
    done, replies = taken_over(second)
    assert done == [SIGNED_PDF]
    assert "giltig" in "\n".join(r.plain_text for r in replies)
    assert count(second, SignedReport) == 1
    # The same file again (a check done twice) is still kept once.
    second.conversation.handle(ANNA, Incoming(file=IncomingFile("igen_signerad.pdf", pdf)))
    assert count(second, SignedReport) == 1

    assert died_during(second, f"/skicka {CASE}") == [SUBMIT]
    third = restart(tmp_path, clock)
    done, replies = taken_over(third)
    assert done == [SUBMIT]
    assert count(third, SentMail) == 1
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    third.conversation.handle(ANNA, Incoming(text=f"/skicka {CASE}"))
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1  # never twice

    # The plain draft, and the language model's proposal (none here: no model).
    assert died_during(third, "/tjansteskrivelse") == [TJANSTE_PROPOSAL, TJANSTESKRIVELSE]
    fourth = restart(tmp_path, clock)
    done, replies = taken_over(fourth)
    assert sorted(done) == [TJANSTE_PROPOSAL, TJANSTESKRIVELSE]
    files = [a.filename for r in replies for a in r.attachments]
    assert sorted(name.rsplit(".", 1)[1] for name in files) == ["docx", "pdf"]


def test_the_sammanstallning_asked_for_before_a_crash_arrives_after_it(
    first: Assembly, tmp_path: Path, clock: MovableClock
) -> None:
    finished_report(first, clock)
    with first.sessions.begin() as session:
        user = repo.find_user(session, ANNA.external_id)
        assert user is not None
        user.role = "coordinator"
    assert died_during(first, "/sammanstallning 2019") == [SAMMANSTALLNING]
    second = restart(tmp_path, clock)
    done, replies = taken_over(second)
    assert done == [SAMMANSTALLNING]
    files = sorted(a.filename for r in replies for a in r.attachments)
    assert [name.rsplit(".", 1)[1] for name in files] == ["pdf", "xlsx"]
    with second.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 1
