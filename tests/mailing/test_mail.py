"""The signed report goes to the registrator: over real SMTP (aiosmtpd on 127.0.0.1) or as
an .eml file in the outbox, once per confirmation even across a restart."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import sessionmaker

from bot.arende.sending import send_report_once, submission_key
from bot.documents.mail import (
    MailSettings,
    ReportMail,
    SendOutcome,
    compose_report_mail,
    outbox_message,
    report_recipients,
)
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog
from storage import repository as repo
from storage import submission_repository as submissions
from storage.db import SessionFactory, create_db_engine
from storage.models import Case
from tests.conftest import MovableClock
from tests.mailing.smtp_server import smtp_server

CASE = "STK-2019-0421"
PDF = b"%PDF-1.7\n% signerad redovisning\n%%EOF\n"
KEY = submission_key(CASE, "a" * 64)


@pytest.fixture
def case_id(session_factory: SessionFactory, clock: MovableClock) -> int:
    with session_factory() as session, session.begin():
        user = repo.get_or_create_user(session, "terminal:anna", "Anna", clock())
        case = repo.create_case(session, CASE, "mall-2019", user, clock())
        case.committee = "Servicenämnden"
        case.recipients = ["registrera.stk@malmo.se", "anders.p.eriksson@malmo.se"]
        return case.id


def _mail() -> ReportMail:
    return compose_report_mail(
        CASE,
        "Servicenämnden",
        "Joanna Eriksson",
        ["registrera.stk@malmo.se"],
        ["anders.p.eriksson@malmo.se"],
        PDF,
    )


def _case(session_factory: SessionFactory, case_id: int) -> Case:
    with session_factory() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case


def test_the_mail_arrives_over_smtp_with_the_pdf_and_the_case_number_in_the_subject(
    session_factory: SessionFactory, case_id: int, clock: MovableClock
) -> None:
    with smtp_server() as server:
        settings = MailSettings(host="127.0.0.1", port=server.port, sender="redovisa@malmo.se")
        result = send_report_once(session_factory, settings, case_id, KEY, _mail(), clock)
    assert result.outcome is SendOutcome.SENT and result.transport == "smtp"
    assert "registrera.stk@malmo.se" in result.message and "kopia" in result.message
    (arrived,) = server.inbox.arrived
    assert arrived.sender == "redovisa@malmo.se"
    assert sorted(arrived.recipients) == ["anders.p.eriksson@malmo.se", "registrera.stk@malmo.se"]
    message = arrived.message
    assert CASE in message["Subject"] and "Servicenämnden" in message["Subject"]
    assert message["Cc"] == "anders.p.eriksson@malmo.se"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF
    body = message.get_body(("plain",))
    assert body is not None and "Joanna Eriksson" in body.get_content()
    assert _case(session_factory, case_id).submitted_at == clock()


def test_one_confirmation_sends_once_even_after_a_restart(
    session_factory: SessionFactory, database_url: str, case_id: int, clock: MovableClock
) -> None:
    with smtp_server() as server:
        settings = MailSettings(host="127.0.0.1", port=server.port)
        first = send_report_once(session_factory, settings, case_id, KEY, _mail(), clock)
        clock.advance(minutes=5)
        again = send_report_once(session_factory, settings, case_id, KEY, _mail(), clock)
        # A restart: a new engine on the same database.
        engine = create_db_engine(database_url)
        try:
            restarted = sessionmaker(engine, expire_on_commit=False)
            clock.advance(hours=2)
            after = send_report_once(restarted, settings, case_id, KEY, _mail(), clock)
        finally:
            engine.dispose()
    assert first.outcome is SendOutcome.SENT
    assert again.outcome is SendOutcome.ALREADY_SENT is after.outcome
    assert "redan" in after.message and after.message_id == first.message_id
    assert len(server.inbox.arrived) == 1


def test_starttls_is_used_when_offered_and_the_login_is_sent_over_it(
    session_factory: SessionFactory, case_id: int, clock: MovableClock, tmp_path: Path
) -> None:
    with smtp_server(tls_folder=tmp_path, login=("redovisa", "hemligt-losen")) as server:
        settings = MailSettings(
            host="127.0.0.1",
            port=server.port,
            user="redovisa",
            password=SecretStr("hemligt-losen"),
            tls_context=server.client_tls,
        )
        result = send_report_once(session_factory, settings, case_id, KEY, _mail(), clock)
    assert result.outcome is SendOutcome.SENT
    assert server.logins == ["redovisa"] and len(server.inbox.arrived) == 1


def test_a_wrong_password_sends_nothing_and_changes_nothing(
    session_factory: SessionFactory, case_id: int, clock: MovableClock, tmp_path: Path
) -> None:
    with smtp_server(tls_folder=tmp_path, login=("redovisa", "ratt")) as server:
        settings = MailSettings(
            host="127.0.0.1",
            port=server.port,
            user="redovisa",
            password=SecretStr("fel"),
            tls_context=server.client_tls,
        )
        with pytest.raises(UserFacingError, match="Ingenting skickades"):
            send_report_once(session_factory, settings, case_id, KEY, _mail(), clock)
        assert server.inbox.arrived == []
        assert _case(session_factory, case_id).submitted_at is None
        # Fixed settings: the same confirmation now goes out.
        fixed = replace(settings, password=SecretStr("ratt"))
        result = send_report_once(session_factory, fixed, case_id, KEY, _mail(), clock)
    assert result.outcome is SendOutcome.SENT and len(server.inbox.arrived) == 1


def test_a_server_that_is_down_leaves_the_case_unsent(
    session_factory: SessionFactory, case_id: int, clock: MovableClock
) -> None:
    with smtp_server() as server:
        port = server.port
    settings = MailSettings(host="127.0.0.1", port=port, timeout=5)
    with pytest.raises(UserFacingError):
        send_report_once(session_factory, settings, case_id, KEY, _mail(), clock)
    with session_factory() as session:
        assert submissions.find_mail(session, KEY) is None
    assert _case(session_factory, case_id).submitted_at is None


def test_a_claim_left_by_a_crash_waits_then_is_taken_over_with_the_same_message_id(
    session_factory: SessionFactory, case_id: int, clock: MovableClock
) -> None:
    with session_factory() as session, session.begin():  # claimed, then the process died
        submissions.claim_mail(
            session, KEY, case_id, "<crashed@malmo.se>", "s", [], clock(), timedelta(minutes=10)
        )
    with smtp_server() as server:
        settings = MailSettings(host="127.0.0.1", port=server.port)
        clock.advance(minutes=1)
        waiting = send_report_once(session_factory, settings, case_id, KEY, _mail(), clock)
        assert waiting.outcome is SendOutcome.IN_PROGRESS and server.inbox.arrived == []
        clock.advance(minutes=15)
        taken = send_report_once(session_factory, settings, case_id, KEY, _mail(), clock)
    assert taken.outcome is SendOutcome.SENT
    (arrived,) = server.inbox.arrived
    assert arrived.message["Message-ID"] == "<crashed@malmo.se>"


def test_without_smtp_the_mail_is_an_eml_file_in_the_outbox(
    session_factory: SessionFactory, case_id: int, clock: MovableClock, tmp_path: Path
) -> None:
    settings = MailSettings(host=None, outbox_dir=tmp_path / "outbox")
    result = send_report_once(session_factory, settings, case_id, KEY, _mail(), clock)
    assert result.outcome is SendOutcome.SENT and result.transport == "outbox"
    assert result.location is not None and result.location in result.message
    path = Path(result.location)
    assert path.parent == tmp_path / "outbox" and path.suffix == ".eml"
    assert path.name.startswith(f"Redovisning_{CASE}_")
    message = outbox_message(path)
    assert CASE in message["Subject"]
    assert [a.get_content() for a in message.iter_attachments()] == [PDF]
    again = send_report_once(session_factory, settings, case_id, KEY, _mail(), clock)
    assert again.outcome is SendOutcome.ALREADY_SENT
    assert list((tmp_path / "outbox").iterdir()) == [path]
    assert _case(session_factory, case_id).submitted_at == clock()


def test_an_ärende_without_recipients_never_gets_the_malls_and_none_is_refused(
    catalog: TemplateCatalog,
) -> None:
    # Only addresses someone gave for the ärende (issue 20): never the mall's examples.
    assert report_recipients([], catalog.get("mall-2019")) == ((), ())
    assert report_recipients(["a@malmo.se, b@malmo.se"]) == (("a@malmo.se",), ("b@malmo.se",))
    with pytest.raises(UserFacingError, match="ingen mottagare"):
        compose_report_mail(CASE, None, None, [], [], PDF)


def test_the_smtp_settings_come_from_the_environment_and_the_password_stays_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bot.config import Settings

    for name, value in {
        "SMTP_HOST": "smtp.malmo.example", "SMTP_PORT": "2525", "SMTP_USER": "redovisa",
        "SMTP_PASSWORD": "s3cret-pw", "SMTP_FROM": "redovisa@malmo.se",
        "REDOVISA_DATA_DIR": str(tmp_path),
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    settings = MailSettings.from_settings(Settings())
    assert (settings.host, settings.port, settings.user) == ("smtp.malmo.example", 2525, "redovisa")
    assert settings.password is not None and settings.password.get_secret_value() == "s3cret-pw"
    assert "s3cret-pw" not in repr(settings) and settings.sender == "redovisa@malmo.se"
    assert settings.outbox_dir == tmp_path / "outbox"
    monkeypatch.setenv("SMTP_HOST", "")
    assert MailSettings.from_settings(Settings()).host is None  # empty: the outbox
