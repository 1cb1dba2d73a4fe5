"""`redovisa users` as an operator uses it: list, give a role, remove; and the terminal chat
that takes the role from the database afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import build_conversation
from bot.cli import main
from bot.config import Settings
from bot.engine.access import AccessPolicy
from bot.engine.messages import Incoming, IncomingFile, UserRef
from storage.db import open_database
from storage.models import AuditEvent, Case, User


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ["OPENAI_API_KEY", "TELEGRAM_BOT_TOKEN", "DATABASE_URL", "TELEGRAM_ADMIN_IDS"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REDOVISA_DATA_DIR", str(tmp_path / "data"))


def users(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["users", *args])
    out, err = capsys.readouterr()
    return code, out, err


def rows() -> list[tuple[str, str, str, bool]]:
    _, sessions = open_database(Settings().resolved_database_url())
    with sessions() as session:
        return [
            (u.external_id, u.display_name, u.role, u.active)
            for u in session.scalars(select(User).order_by(User.id))
        ]


def audit() -> list[tuple[str, dict[str, object]]]:
    _, sessions = open_database(Settings().resolved_database_url())
    with sessions() as session:
        return [(e.action, e.detail) for e in session.scalars(select(AuditEvent))]


def chat(name: str, *lines: str) -> str:
    conversation = build_conversation(Settings())
    user = UserRef(f"terminal:{name}", name.title())
    replies = [r for line in lines for r in conversation.handle(user, Incoming(text=line))]
    return "\n".join(r.plain_text for r in replies)


def test_a_terminal_user_made_coordinator_coordinates_in_the_chat(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "Det kommandot är till för samordnare." in chat("anna", "/start", "/oversikt")
    code, out, _ = users(capsys, "set", "anna", "--role", "samordnare", "--namn", "Anna Andersson")
    assert code == 0 and "Anna (terminal:anna) är nu samordnare (var handläggare)." in out
    assert "Namnet är nu Anna Andersson." in out
    reply = chat("anna", "/registrera")
    assert "Steg 1 av 9" in reply
    chat("anna", "/avbryt")
    for command in ("/oversikt", "/sammanstallning 2019", "/anvandare", "/inbjudan"):
        assert "för samordnare" not in chat("anna", command), command
    action, detail = audit()[0]
    assert action == "role_set"
    assert detail["role"] == "coordinator" and detail["previous_role"] == "official"
    assert detail["operator"] and detail["source"] == "redovisa users"


def test_the_list_shows_role_namnd_and_last_activity(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = users(capsys)
    assert code == 0 and "inga användare" in out
    users(capsys, "set", "cecilia", "--role", "samordnare", "--namn", "Cecilia Samordnare")
    users(capsys, "set", "5002", "--role", "handläggare")
    sheet = (
        "diarienummer;nämnd;mall;beviljat belopp;beslutsdatum;sista svarsdatum;mottagare;"
        "ansvarig\nSGL-2026-100;Stadsbyggnadsnämnden;2019;100 000 kr;2026-01-20;2030-04-30;"
        "a@malmo.se;ingen\n"
    )
    conversation = build_conversation(Settings())
    cecilia = UserRef("terminal:cecilia", "Cecilia")
    [reply] = conversation.handle(cecilia, Incoming(file=IncomingFile("a.csv", sheet.encode())))
    assert "1 ärende är registrerat" in reply.plain_text
    _, out, _ = users(capsys, "list")
    lines = out.splitlines()
    assert lines[0] == "2 användare:"
    cecilia_line = next(line for line in lines if "terminal:cecilia" in line)
    assert "| samordnare | Stadsbyggnadsnämnden |" in cecilia_line
    assert "kl." in cecilia_line and "aldrig" not in cecilia_line
    telegram_line = next(line for line in lines if "telegram:5002" in line)
    assert "| handläggare | – | aldrig" in telegram_line


def test_a_removed_user_is_locked_out_and_their_arenden_stay(
    capsys: pytest.CaptureFixture[str],
) -> None:
    users(capsys, "set", "cecilia", "--role", "samordnare")
    users(capsys, "set", "bertil", "--role", "handläggare", "--namn", "Bertil Berg")
    chat(
        "cecilia",
        "/registrera", "STK-2018-1307", "Servicenämnden", "mall-2019", "500 000 kr", "alla",
        "2019-03-11", "2030-02-28", "registrera.stk@malmo.se", "Bertil Berg", "ja",
    )  # fmt: skip
    assert "Fråga 1" in chat("bertil", "/fortsatt STK-2018-1307")
    code, out, _ = users(capsys, "remove", "bertil")
    assert code == 0
    assert "Bertil Berg (terminal:bertil) är borttagen" in out
    assert "Hen var ansvarig för STK-2018-1307." in out
    assert "spärrad" in chat("bertil", "/arenden")
    _, sessions = open_database(Settings().resolved_database_url())
    with sessions() as session:
        assert session.scalar(select(Case).where(Case.case_number == "STK-2018-1307"))
    action, detail = audit()[-1]
    assert action == "user_removed" and detail["responsible_for"] == ["STK-2018-1307"]
    _, out, _ = users(capsys)
    assert "Bertil" not in out
    _, out, _ = users(capsys, "--alla")
    assert "Bertil Berg (borttagen)" in out
    # Given a role again, he is back, and his ärende with him.
    _, out, _ = users(capsys, "set", "bertil", "--role", "handläggare")
    assert "har tillgång igen" in out
    assert "STK-2018-1307" in chat("bertil", "/arenden")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set", "anna", "--role", "chef"], "Rollen chef finns inte"),
        (["set", "anna"], "Ange rollen med --role"),
        (["set", "--role", "samordnare"], "Ange vem"),
        (["set", "anna och bertil", "--role", "admin"], "Kan inte läsa anna och bertil"),
        (["set", "telegram:abc", "--role", "admin"], "Kan inte läsa telegram:abc"),
        (["set", "@okand", "--role", "admin"], "Ingen användare @okand finns"),
        (["set", "anna", "--role", "admin", "--namn", "x" * 201], "högst 200 tecken"),
        (["remove", "nisse"], "Ingen användare nisse finns"),
        (["remove", "#7"], "Ingen användare #7 finns"),
        (["radera", "anna"], "okänd åtgärd"),
        (["set", "--telegram", "12ab", "--role", "admin"], "Kan inte läsa telegram:12ab"),
        (["set", "--terminal", "", "--role", "admin"], "Kan inte läsa terminal:"),
    ],
)
def test_bad_input_gets_a_swedish_message_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    users(capsys, "set", "anna", "--role", "handläggare")
    before = rows()
    code, out, err = users(capsys, *args)
    assert code == 2 and out == ""
    assert message in err and err.startswith("redovisa users: ")
    assert rows() == before


def test_a_telegram_id_gets_its_role_before_writing_and_its_name_when_it_writes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_ADMIN_IDS", "7001")
    code, out, _ = users(capsys, "set", "telegram:5002", "--role", "samordnare")
    assert code == 0 and out.strip() == "telegram:5002 är tillagd som samordnare."
    conversation = build_conversation(Settings())
    assert conversation.has_access(UserRef("telegram:5002", "Cecilia"))
    assert not conversation.has_access(UserRef("telegram:5003", "Okänd"))
    reply = conversation.handle(UserRef("telegram:5002", "Cecilia"), Incoming(text="/registrera"))
    assert "Steg 1 av 9" in reply[0].plain_text
    assert ("telegram:5002", "Cecilia", "coordinator", True) in rows()
    # An administrator from the settings stays one: the operator is told.
    _, out, _ = users(capsys, "set", "7001", "--role", "handläggare")
    assert "TELEGRAM_ADMIN_IDS" in out
    assert AccessPolicy.from_admin_telegram_ids([7001]).initial_role("telegram:7001") == "admin"


def test_who_may_be_given_as_telegram_or_terminal_and_set_may_be_left_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert users(capsys, "set", "--telegram", "5002", "--role", "samordnare")[0] == 0
    assert users(capsys, "add", "--terminal", "anna", "--role", "handlaggare")[0] == 0
    code, out, _ = users(capsys, "bertil", "--role", "admin")
    assert code == 0 and "bertil (terminal:bertil) är tillagd som administratör." in out
    assert [(r[0], r[2]) for r in rows()] == [
        ("telegram:5002", "coordinator"),
        ("terminal:anna", "official"),
        ("terminal:bertil", "admin"),
    ]
    code, _, _ = users(capsys, "remove", "--terminal", "anna")
    assert code == 0 and rows()[1][3] is False
