"""The coordinator's overview shows each ärende's budget from the ledger: granted, used and
the share used, in the chat and in the Excel file."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, Reply
from tests.engine.test_access import (
    ADMIN_ID,
    CSV_HEADER,
    _before_the_deadlines,  # noqa: F401 (the autouse fixture: the 2019 ärenden still ahead)
    make_official,
    send_file,
    telegram_user,
)


def overview(conversation: Conversation, admin_ref: object) -> Reply:
    replies = conversation.handle(admin_ref, Incoming(text="/oversikt"))  # type: ignore[arg-type]
    return replies[0]


def sheet_rows(reply: Reply) -> list[tuple[object, ...]]:
    sheet = load_workbook(io.BytesIO(reply.attachments[0].data)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def test_the_overview_shows_granted_used_and_share_from_the_ledger(
    strict: Conversation,
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    anna = make_official(admin, strict, 2, "Anna")
    rows = [
        CSV_HEADER,
        "STK-2019-0042;Servicenämnden;mall-2019;500 000 kr;2019-03-11;2020-02-28;"
        "registrera.stk@malmo.se;Anna",
        "SN-2019-0007;Servicenämnden;mall-2019;300 tkr;2019-03-11;2020-03-31;"
        "registrera.stk@malmo.se;",
    ]
    assert "2 ärenden" in send_file(admin, "arenden.csv", "\n".join(rows).encode())
    anna.say("/ny SN-2019-0099")  # started by the official: no registered amount
    anna.say("/mall mall-2019")
    before = overview(strict, admin.ref).plain_text
    assert "STK-2019-0042 – inte påbörjad" in before
    assert "beviljat 500 000 kr, använt ej bekräftat" in before
    assert (
        "SN-2019-0099 – inte påbörjad – svar senast inget datum – Anna – beviljat belopp saknas"
        in before
    )
    anna.say("/fortsatt STK-2019-0042")
    anna.say("/fraga 7")
    anna.say("Av de 500 000 kr vi fick har vi hittills använt 194 000 kr.")
    assert "stämmer det?" in anna.say("/klar")
    anna.say("/budget använt 200 000")
    reply = overview(strict, admin.ref)
    assert "beviljat 500 000 kr, använt 200 000 kr (40 %)" in reply.plain_text
    header, first, second, third = sheet_rows(reply)
    assert header[-4:] == (
        "Beviljat (kr)", "Använt (kr)", "Andel använd (%)", "Bekräftat av handläggaren"
    )  # fmt: skip
    assert first[0] == "STK-2019-0042" and first[-4:] == (500_000, 200_000, 40, "ja")
    assert second[0] == "SN-2019-0007" and second[-4:] == (300_000, None, None, "nej")
    assert third[0] == "SN-2019-0099" and third[-4:] == (None, None, None, "nej")
