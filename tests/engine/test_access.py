"""Access and coordination: who gets past /start, invite codes, registering ärenden, overview."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, IncomingFile, Reply, UserRef
from storage import access_repository as access_repo
from storage import repository as repo
from storage.db import SessionFactory
from storage.models import ConversationStateRow, User
from tests.conftest import MovableClock
from tests.engine.conftest import ADMIN_ID, ChatUser

CSV_HEADER = (
    "diarienummer;nämnd;mall;beviljat belopp;beslutsdatum;sista svarsdatum;mottagare;ansvarig"
)


@pytest.fixture(autouse=True)
def _before_the_deadlines(clock: MovableClock) -> None:
    """These ärenden are due in 2019 and 2020: register them while that is ahead."""
    clock.now = datetime(2019, 1, 2, 9, 0, tzinfo=UTC)


def telegram_user(conversation: Conversation, user_id: int, name: str) -> ChatUser:
    return ChatUser(conversation, UserRef(f"telegram:{user_id}", name))


def invite_code(reply: str) -> str:
    return reply.split("Inbjudningskod för en ")[1].split(": ")[1].split()[0]


def send_file(user: ChatUser, filename: str, data: bytes) -> str:
    replies = user.conversation.handle(user.ref, Incoming(file=IncomingFile(filename, data)))
    user.received.extend(replies)
    return "\n".join(r.plain_text for r in replies)


def make_official(admin: ChatUser, conversation: Conversation, user_id: int, name: str) -> ChatUser:
    user = telegram_user(conversation, user_id, name)
    code = invite_code(admin.say("/inbjudan handläggare"))
    assert "Välkommen" in user.say(f"/start {code}")
    return user


def test_an_unknown_user_gets_only_instructions_and_nothing_is_stored(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    stranger = telegram_user(strict, 5, "Okänd")
    for message in ["/start", "/ny STK-2018-1307", "Här är mitt svar", "/arenden", "/kod FEL"]:
        reply = stranger.say(message)
        assert "inbjudningskod" in reply or "Koden gäller inte" in reply
    with session_factory() as session:
        user = repo.find_user(session, "telegram:5")
        assert user is not None and user.role == "none"
        assert session.scalars(select(ConversationStateRow)).all() == []
        assert repo.find_case(session, "STK-2018-1307") is None


def test_invite_codes_are_one_time_and_expire(
    strict: Conversation, clock: MovableClock, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    code = invite_code(admin.say("/inbjudan handläggare"))
    anna = telegram_user(strict, 2, "Anna")
    assert "tillgång som handläggare" in anna.say(f"/start {code}")
    bertil = telegram_user(strict, 3, "Bertil")
    assert "Koden gäller inte" in bertil.say(f"/start {code}")
    late = invite_code(admin.say("/inbjudan samordnare"))
    clock.advance(days=8)
    assert "Koden gäller inte" in bertil.say(f"/start {late}")
    assert "inbjudningskod" in bertil.say("/arenden")
    with session_factory() as session:
        actions = [e.action for e in access_repo.audit_events(session)]
    assert actions.count("invite_created") == 2 and actions.count("invite_redeemed") == 1


def test_officials_cannot_use_coordinator_commands(strict: Conversation) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    anna = make_official(admin, strict, 2, "Anna")
    for command in ["/registrera", "/oversikt", "/inbjudan", "/sparra 1", "/anvandare"]:
        assert "samordnare" in anna.say(command)
    assert "samordnare" in send_file(anna, "arenden.csv", b"x")


def test_registrera_with_a_number_starts_at_the_second_step(strict: Conversation) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    started = admin.say("/registrera STK-2018-1307")
    assert "Steg 2 av" in started and "Steg 1" not in started
    assert "Arbetsmarknads- och socialnämnden" not in started
    refused = admin.say("/registrera inget nummer")
    assert "Steg" not in refused  # refused as the first step would be, nothing started
    assert "Steg 2 av" in admin.say("/registrera STK-2018-1307")


def register_step_by_step(coordinator: ChatUser, official_id: int) -> str:
    coordinator.say("/registrera")
    coordinator.say("STK-2018-1307")
    coordinator.say("Arbetsmarknads- och socialnämnden")
    coordinator.say("mall-2019")
    assert "går inte att läsa" in coordinator.say("mycket pengar")
    coordinator.say("500 000 kr")
    assert "inget av perspektiven" in coordinator.say("klimat")
    coordinator.say("barnrätt och jämställdhet")
    coordinator.say("2019-03-11")
    assert "som en dag" in coordinator.say("våren 2020")
    coordinator.say("28 februari 2020")
    assert "inte e-postadresser" in coordinator.say("registrera.stk@")
    coordinator.say("registrera.stk@malmo.se, anders.p.eriksson@malmo.se")
    summary = coordinator.say(f"#{official_id}")
    assert "500 000 kr" in summary and "28 februari 2020" in summary
    return coordinator.say("ja")


def test_a_coordinator_registers_an_arende_step_by_step(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    anna = make_official(admin, strict, 2, "Anna")
    bertil = make_official(admin, strict, 3, "Bertil")
    with session_factory() as session:
        anna_id = repo.find_user(session, "telegram:2").id  # type: ignore[union-attr]
    assert "är registrerat" in register_step_by_step(admin, anna_id)
    with session_factory() as session:
        case = repo.find_case(session, "STK-2018-1307")
        assert case is not None
        assert case.granted_amount_kr == 500_000
        assert case.last_reply_date.isoformat() == "2020-02-28"  # type: ignore[union-attr]
        assert case.recipients == ["registrera.stk@malmo.se", "anders.p.eriksson@malmo.se"]
        assert case.responsible_user_id == anna_id
        assert case.perspectives == ["barnratt", "jamstalldhet"]
        assert "case_registered" in [e.action for e in access_repo.audit_events(session, case.id)]
    assert "STK-2018-1307" in anna.say("/arenden")
    assert "Fråga 1 av 8" in anna.say("/fortsatt STK-2018-1307")
    assert "inget ärende" in bertil.say("/fortsatt STK-2018-1307")
    assert "inte med i det" in bertil.say("/ny STK-2018-1307")


def test_every_report_command_on_someone_elses_arende_is_refused(strict: Conversation) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    anna = make_official(admin, strict, 2, "Anna")
    bertil = make_official(admin, strict, 3, "Bertil")
    anna.say("/ny STK-2018-1307")
    anna.say("/mall mall-2019")
    anna.say("Annas hemliga nämnd")
    for command in [
        "/fortsatt STK-2018-1307",
        "/ny STK-2018-1307",
        "/utkast",
        "/andra 1 X",
        "/fraga 1",
        "/tillbaka",
        "/hoppa",
        "/klar",
        "/granska",
        "/dokument",
    ]:
        reply = bertil.say(command)
        assert "Annas hemliga nämnd" not in reply
        refusals = (
            "inget ärende",
            "inte med i det",
            "inte med någon redovisning",
            "installationen",
        )
        assert any(refusal in reply for refusal in refusals), (command, reply)
    assert "Annas hemliga nämnd" in anna.say("/utkast")


def test_a_revoked_user_is_locked_out_at_once(strict: Conversation) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    anna = make_official(admin, strict, 2, "Anna")
    anna.say("/ny STK-2018-1307")
    users = admin.say("/anvandare")
    anna_number = [line for line in users.splitlines() if "Anna" in line][0].split()[0]
    assert "spärrad" in admin.say(f"/sparra {anna_number}")
    assert "spärrad" in anna.say("/mall mall-2019")
    assert "spärrad" in anna.say("/start")


def csv_file(*rows: str) -> bytes:
    return ("\n".join([CSV_HEADER, *rows]) + "\n").encode("utf-8")


def test_many_arenden_from_csv_all_or_nothing(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    make_official(admin, strict, 2, "Anna Andersson")
    good = "STK-2018-1307;Arbetsmarknads- och socialnämnden;2019;500 000 kr;2019-03-11;2020-02-28;registrera.stk@malmo.se;Anna Andersson"
    bad_amount = "STK-2018-1304;Servicenämnden;2019;massor;2019-03-11;2020-02-28;registrera.stk@malmo.se;ingen"
    bad_date = "SN-2018-1996;Servicenämnden;2018;400 tkr;2018-03-01;snart;a@malmo.se;"
    report = send_file(admin, "arenden.csv", csv_file(good, bad_amount, bad_date))
    assert "Inget registrerades" in report
    assert "Rad 3, beviljat belopp" in report
    assert "Rad 4, sista svarsdatum" in report
    with session_factory() as session:
        assert repo.find_case(session, "STK-2018-1307") is None
    fixed = bad_amount.replace("massor", "300 000 kr")
    report = send_file(admin, "arenden.csv", csv_file(good, fixed))
    assert "2 ärenden är registrerade" in report
    with session_factory() as session:
        case = repo.find_case(session, "STK-2018-1304")
        assert case is not None and case.granted_amount_kr == 300_000


def test_arenden_from_xlsx_and_the_overview_sorted_by_deadline(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    anna = make_official(admin, strict, 2, "Anna")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(CSV_HEADER.split(";"))
    sheet.append(
        [
            "STK-2018-1307",
            "Arbetsmarknads- och socialnämnden",
            "mall-2019",
            500000,
            "2019-03-11",
            "2020-02-28",
            "registrera.stk@malmo.se",
            "Anna",
        ]
    )
    sheet.append(
        [
            "SN-2018-1996",
            "Servicenämnden",
            "mall-2018",
            "400 tkr",
            "2018-03-01",
            "2019-01-29",
            "registrera.stk@malmo.se",
            "ingen",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "2 ärenden" in send_file(admin, "lista.xlsx", buffer.getvalue())
    anna.say("/fortsatt STK-2018-1307")
    anna.say("Arbetsmarknads- och socialnämnden")
    replies: list[Reply] = strict.handle(admin.ref, Incoming(text="/oversikt"))
    text = replies[0].plain_text
    assert text.index("SN-2018-1996") < text.index("STK-2018-1307")
    assert "pågår, 1 av 8" in text and "inte påbörjad" in text
    attachment = replies[0].attachments[0]
    sheet_back = load_workbook(io.BytesIO(attachment.data)).active
    assert sheet_back is not None
    rows = list(sheet_back.iter_rows(values_only=True))
    assert rows[0][5] == "Öppna anmärkningar (senaste granskningen)"
    assert rows[1][0] == "SN-2018-1996" and rows[2][0] == "STK-2018-1307"


def test_a_broken_sheet_is_refused_clearly(strict: Conversation) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    assert "saknar kolumnerna" in send_file(admin, "a.csv", b"namn;annat\nx;y\n")
    assert "kunde inte läsas" in send_file(admin, "a.xlsx", b"inte en zip")
    assert "tom" in send_file(admin, "a.csv", b"")


def test_settings_admin_is_admin_even_if_demoted(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    admin.say("/start")
    with session_factory.begin() as session:
        user = session.scalar(select(User).where(User.external_id == f"telegram:{ADMIN_ID}"))
        assert user is not None
        user.role = "official"
    assert "Inbjudningskod" in admin.say("/inbjudan")


def test_a_stranger_cannot_be_made_responsible(strict: Conversation) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    stranger = telegram_user(strict, 9, "Karin Berg")
    stranger.say("/start")
    row = "STK-2018-1307;Nämnden;2019;500 000 kr;2019-03-11;2020-02-28;a@malmo.se;Karin Berg"
    report = send_file(admin, "a.csv", csv_file(row))
    assert "Inget registrerades" in report and "Hittar ingen" in report
    assert "inbjudningskod" in stranger.say("/arenden")


def test_a_coordinator_makes_an_official_responsible_later(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    anna = make_official(admin, strict, 2, "Anna")
    row = "STK-2018-1307;Nämnden;2019;500 000 kr;2019-03-11;2020-02-28;a@malmo.se;ingen"
    assert "1 ärende är registrerat" in send_file(admin, "a.csv", csv_file(row))
    assert "inte med i det" in anna.say("/ny STK-2018-1307")
    with session_factory() as session:
        anna_id = repo.find_user(session, "telegram:2").id  # type: ignore[union-attr]
    assert "samordnare" in anna.say(f"/ansvarig STK-2018-1307 #{anna_id}")  # officials may not
    assert "är nu ansvarig" in admin.say(f"/ansvarig STK-2018-1307 #{anna_id}")
    assert "Fråga 1 av 8" in anna.say("/fortsatt STK-2018-1307")
    with session_factory() as session:
        events = [e.action for e in access_repo.audit_events(session)]
    assert "responsible_set" in events
