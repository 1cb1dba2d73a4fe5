"""What one registration tells each person made responsible: one notice per person, listing
their ärenden with a start button each."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, IncomingFile, Notice
from tests.conftest import MovableClock
from tests.engine.conftest import ChatUser
from tests.engine.test_access import ADMIN_ID, csv_file, make_official, telegram_user


@pytest.fixture(autouse=True)
def _before_the_deadlines(clock: MovableClock) -> None:
    clock.now = datetime(2019, 6, 3, 8, 0, tzinfo=UTC)


def row(case_number: str, deadline: str, responsible: str) -> str:
    return (
        f"{case_number};Servicenämnden;2019;100 000 kr;2019-03-11;{deadline};"
        f"registrera.stk@malmo.se;{responsible}"
    )


def sheet_notices(user: ChatUser, data: bytes) -> tuple[str, list[Notice]]:
    steps = user.conversation.handle_in_steps(
        user.ref, Incoming(file=IncomingFile("arenden.csv", data))
    )
    return "\n".join(r.plain_text for r in steps.now), steps.notices


def test_a_csv_tells_each_responsible_once_with_every_arende_and_a_button_each(
    strict: Conversation,
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Cecilia Samordnare")
    anna = make_official(admin, strict, 2, "Anna Andersson")
    make_official(admin, strict, 3, "Bertil Berg")
    sheet = csv_file(
        row("SGL-2026-100", "2020-03-31", "Anna Andersson"),
        row("SGL-2026-101", "2020-02-28", "Bertil Berg"),
        row("SGL-2026-102", "2020-02-14", "Anna Andersson"),
        row("SGL-2026-103", "2020-02-28", "Anna Andersson"),
        row("SGL-2026-104", "2020-02-28", "Bertil Berg"),
        row("SGL-2026-105", "2020-02-28", "Anna Andersson"),
        row("SGL-2026-106", "2020-02-28", "Cecilia Samordnare"),
    )
    report, notices = sheet_notices(admin, sheet)
    assert "7 ärenden är registrerade" in report
    assert sorted(n.recipient_external_id for n in notices) == ["telegram:2", "telegram:3"]
    to_anna = next(n.reply for n in notices if n.recipient_external_id == "telegram:2")
    text = to_anna.plain_text
    assert "Cecilia Samordnare har gjort dig ansvarig" in text and "4 ärenden" in text
    for number in ("SGL-2026-100", "SGL-2026-102", "SGL-2026-103", "SGL-2026-105"):
        assert number in text
    assert "SGL-2026-101" not in text and "SGL-2026-106" not in text
    # Earliest deadline first, the day written the Swedish way.
    assert text.index("SGL-2026-102") < text.index("SGL-2026-103") < text.index("SGL-2026-100")
    assert "14 februari 2020" in text
    commands = [button.command for line in to_anna.buttons for button in line]
    assert commands == [
        "/fortsatt SGL-2026-102",
        "/fortsatt SGL-2026-103",
        "/fortsatt SGL-2026-105",
        "/fortsatt SGL-2026-100",
    ]
    # Each button starts its ärende.
    assert "Fråga 1" in anna.say("/fortsatt SGL-2026-103")
    assert "SGL-2026-103" in anna.say("/status")


def test_one_arende_is_one_sentence_and_one_button(strict: Conversation) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Cecilia Samordnare")
    make_official(admin, strict, 2, "Anna Andersson")
    _, notices = sheet_notices(admin, csv_file(row("SGL-2026-100", "2020-03-31", "Anna")))
    [notice] = notices
    assert notice.reply.plain_text == (
        "Cecilia Samordnare har gjort dig ansvarig för återrapporteringen av ärende "
        "SGL-2026-100. Sista svarsdatum: 31 mars 2020."
    )
    assert [[b.label for b in line] for line in notice.reply.buttons] == [
        ["Börja med SGL-2026-100"]
    ]


def test_a_long_list_keeps_every_arende_in_the_text_and_points_to_the_list(
    strict: Conversation,
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Cecilia Samordnare")
    make_official(admin, strict, 2, "Anna Andersson")
    rows = [row(f"SGL-2026-{n}", "2020-02-28", "Anna") for n in range(200, 230)]
    _, [notice] = sheet_notices(admin, csv_file(*rows))
    assert all(f"SGL-2026-{n}" in notice.reply.plain_text for n in range(200, 230))
    assert len([b for line in notice.reply.buttons for b in line]) == 20
    assert "/arenden" in notice.reply.plain_text


def test_a_very_long_list_stays_one_telegram_message(strict: Conversation) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Cecilia Samordnare")
    make_official(admin, strict, 2, "Anna Andersson")
    rows = [row(f"SGL-2026-{n}", "2020-02-28", "Anna") for n in range(300, 380)]
    _, [notice] = sheet_notices(admin, csv_file(*rows))
    text = notice.reply.plain_text
    assert len(text) < 4096
    assert "SGL-2026-359" in text and "SGL-2026-360" not in text
    assert "… och 20 till." in text and "/arenden" in text


def test_a_refused_sheet_tells_nobody(strict: Conversation) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Cecilia Samordnare")
    make_official(admin, strict, 2, "Anna Andersson")
    good = row("SGL-2026-100", "2020-03-31", "Anna")
    bad = row("SGL-2026-101", "snart", "Anna")
    report, notices = sheet_notices(admin, csv_file(good, bad))
    assert "Inget registrerades" in report and notices == []


def test_a_notice_is_a_job_for_the_responsible_that_a_crash_does_not_lose_or_double(
    strict: Conversation,
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Cecilia Samordnare")
    make_official(admin, strict, 2, "Anna Andersson")
    steps = admin.conversation.handle_in_steps(
        admin.ref,
        Incoming(file=IncomingFile("arenden.csv", csv_file(
            row("SGL-2026-100", "2020-03-31", "Anna Andersson")))),
    )  # fmt: skip
    # The coordinator's own slow work never carries the notice into the coordinator's chat.
    assert not any("har gjort dig ansvarig" in r.plain_text for r in steps.finish())
    ids = steps.hand_over_jobs()
    runner = strict.job_runner
    (claimed,) = [job for job in runner.claim(ids=ids) if job.recipient == "telegram:2"]
    # The process dies here, with the notice claimed and not sent; the next one starts.
    assert runner.recover() >= 1
    delivered = []
    for job in runner.claim():
        job, replies = runner.do(job)
        assert runner.finish(job)
        delivered.extend((job.recipient, r.plain_text) for r in replies)
    assert [to for to, _ in delivered] == ["telegram:2"]
    assert "har gjort dig ansvarig" in delivered[0][1] and "SGL-2026-100" in delivered[0][1]
    assert runner.claim() == []  # done once, never again
