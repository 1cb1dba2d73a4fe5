"""/dokument and /granska as jobs: the turn enqueues the work, the status and the review
record change only when the job is done, and a job a crash left is done after a restart."""

from __future__ import annotations

from pathlib import Path

from bot.app import Assembly, assemble
from bot.config import Settings
from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, Reply, UserRef
from storage import repository as repo
from storage.db import SessionFactory
from storage.models import Case, Job
from tests.conftest import MovableClock

USER = UserRef("terminal:anna", "Anna")


def assembled(tmp_path: Path, clock: MovableClock) -> Conversation:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",  # type: ignore[call-arg]
        redovisa_data_dir=tmp_path,
    )
    assembly = assemble(settings, clock)
    ASSEMBLIES[id(assembly.conversation)] = assembly
    return assembly.conversation


ASSEMBLIES: dict[int, Assembly] = {}


def sessions_of(conversation: Conversation) -> SessionFactory:
    return ASSEMBLIES[id(conversation)].sessions


def finished_report(conversation: Conversation, clock: MovableClock) -> int:
    """An ärende with every question answered and marked finished, open for Anna."""
    conversation.handle(USER, Incoming(text="/ny STK-2018-1307"))
    conversation.handle(USER, Incoming(text="/mall mall-2019"))
    with sessions_of(conversation).begin() as session:
        case = repo.find_case(session, "STK-2018-1307")
        assert case is not None
        user = repo.get_or_create_user(session, USER.external_id, USER.display_name, clock())
        template = ASSEMBLIES[id(conversation)].catalog.get(case.template_id)
        for number, question in enumerate(template.questions, start=1):
            text = (
                f"Svar på fråga {number}: 100 000 kr till workshops."
                if number != 8
                else "Eva Lund\nFörvaltningschef"  # a name: the document can be final
            )
            repo.save_answer(session, case.id, question.key, text, [], user, clock())
        case.status = "finished"
        return case.id


def case_and_jobs(conversation: Conversation, case_id: int) -> tuple[Case, list[str]]:
    with sessions_of(conversation)() as session:
        case = session.get(Case, case_id)
        assert case is not None
        jobs = [j.status for j in session.query(Job).filter(Job.case_id == case_id)]
        return case, jobs


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.plain_text for r in replies)


def test_documents_set_the_status_only_when_they_exist(
    tmp_path: Path, clock: MovableClock
) -> None:
    conversation = assembled(tmp_path, clock)
    case_id = finished_report(conversation, clock)
    steps = conversation.handle_in_steps(USER, Incoming(text="/dokument ändå"))
    assert texts(steps.now) == "Skapar dokumenten …"
    case, jobs = case_and_jobs(conversation, case_id)
    assert (case.status, jobs) == ("finished", ["pending"])  # asked for, not yet made

    later = steps.finish()
    files = [a.filename for r in later for a in r.attachments]
    assert sorted(name.rsplit(".", 1)[1] for name in files) == ["docx", "pdf"]
    case, jobs = case_and_jobs(conversation, case_id)
    assert (case.status, jobs) == ("sent_for_signature", ["done"])


def test_documents_asked_for_before_a_crash_are_made_by_the_next_process(
    tmp_path: Path, clock: MovableClock
) -> None:
    conversation = assembled(tmp_path, clock)
    case_id = finished_report(conversation, clock)
    conversation.handle_in_steps(USER, Incoming(text="/dokument ändå"))  # then the process died
    assert case_and_jobs(conversation, case_id)[0].status == "finished"

    restarted = assembled(tmp_path, clock)
    runner = restarted.job_runner
    assert runner.recover() == 0  # the job was never claimed: still pending
    claimed = runner.claim()
    assert [job.kind for job in claimed] == ["documents"]
    job, replies = runner.do(claimed[0])
    assert any(r.attachments for r in replies)
    assert case_and_jobs(restarted, case_id)[0].status == "finished"  # not before finishing
    assert runner.finish(job)
    case, jobs = case_and_jobs(restarted, case_id)
    assert (case.status, jobs) == ("sent_for_signature", ["done"])
    assert runner.claim() == []  # done once


def test_the_review_is_recorded_when_its_job_is_done(tmp_path: Path, clock: MovableClock) -> None:
    conversation = assembled(tmp_path, clock)
    case_id = finished_report(conversation, clock)
    steps = conversation.handle_in_steps(USER, Incoming(text="/granska"))
    case, jobs = case_and_jobs(conversation, case_id)
    assert (case.reviewed_at, jobs) == (None, ["pending"])
    shown = texts(steps.finish())
    assert "Granskning av ärende STK-2018-1307" in shown
    case, jobs = case_and_jobs(conversation, case_id)
    assert case.reviewed_at is not None and jobs == ["done"]
    assert case.open_findings is not None
