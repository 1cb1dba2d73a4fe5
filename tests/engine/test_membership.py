"""Membership that can be repaired: registering an ärende an official started, moving
responsibility, removing a member, telling the new responsible, choosing users apart."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, Notice, UserRef
from storage import access_repository as access_repo
from storage import repository as repo
from storage.db import SessionFactory
from tests.conftest import MovableClock
from tests.engine.conftest import ChatUser
from tests.engine.test_access import (
    ADMIN_ID,
    csv_file,
    invite_code,
    make_official,
    send_file,
    telegram_user,
)

CASE = "STK-2018-1307"


@pytest.fixture(autouse=True)
def _before_the_deadline(clock: MovableClock) -> None:
    clock.now = datetime(2019, 6, 1, 9, 0, tzinfo=UTC)


def user_id(sessions: SessionFactory, telegram_id: int) -> int:
    with sessions() as session:
        user = repo.find_user(session, f"telegram:{telegram_id}")
        assert user is not None
        return user.id


def notices(conversation: Conversation, user: ChatUser, text: str) -> list[Notice]:
    """Send `text` and return what the engine would deliver to other users' chats."""
    steps = conversation.handle_in_steps(user.ref, Incoming(text=text))
    user.received.extend(steps.now)
    return steps.notices


def start_report(official: ChatUser, first_answer: str) -> None:
    official.say(f"/ny {CASE}")
    official.say("/mall mall-2019")
    assert "Fråga 2" in official.say(first_answer)


def test_a_coordinator_registers_an_arende_an_official_started_and_the_answers_stay(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    anna = make_official(admin, strict, 2, "Anna Andersson")
    make_official(admin, strict, 3, "Bertil Berg")
    start_report(anna, "Annas nämnd")
    row = f"{CASE};Servicenämnden;2019;500 000 kr;2019-03-11;2020-02-28;a@malmo.se;Bert"
    report = send_file(admin, "a.csv", csv_file(row))
    assert "1 ärende är registrerat" in report
    assert "hade redan påbörjats av Anna Andersson" in report and "svaren finns kvar" in report
    bertil_id = user_id(session_factory, 3)
    with session_factory() as session:
        case = repo.find_case(session, CASE)
        assert case is not None
        assert case.granted_amount_kr == 500_000 and case.committee == "Servicenämnden"
        assert case.responsible_user_id == bertil_id
        assert repo.current_answers(session, case.id)["namnd"].text == "Annas nämnd"
    assert "Annas nämnd" in anna.say("/utkast")
    # The same diarienummer registered again is refused: it is registered now.
    assert "redan registrerat" in send_file(admin, "a.csv", csv_file(row))


def test_any_coordinator_moves_responsibility_of_a_started_arende_and_the_new_one_is_told(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    anna = make_official(admin, strict, 2, "Anna")
    bertil = make_official(admin, strict, 3, "Bertil")
    cecilia = telegram_user(strict, 4, "Cecilia Samordnare")
    assert "Välkommen" in cecilia.say(f"/start {invite_code(admin.say('/inbjudan samordnare'))}")
    start_report(anna, "Annas nämnd")
    bertil_id, anna_id = user_id(session_factory, 3), user_id(session_factory, 2)

    sent = notices(strict, cecilia, f"/ansvarig {CASE} #{bertil_id}")
    reply = cecilia.received[-1].plain_text
    assert f"Bertil (#{bertil_id}) är nu ansvarig" in reply
    assert f"/ta_bort {CASE} #{anna_id}" in reply, "the earlier responsible can be removed"
    assert [n.recipient_external_id for n in sent] == ["telegram:3"]
    notice = sent[0].reply
    assert "Cecilia Samordnare har gjort dig ansvarig" in notice.plain_text
    assert notice.buttons[0][0].command == f"/fortsatt {CASE}"

    told = bertil.say(f"/ny {CASE}")
    assert "tilldelades dig av Cecilia Samordnare" in told and "redan en redovisning" not in told
    assert "Du har redan en redovisning" in anna.say(f"/ny {CASE}")


def test_a_member_is_removed_after_a_confirmation_and_reads_nothing_more(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    anna = make_official(admin, strict, 2, "Anna")
    bertil = make_official(admin, strict, 3, "Bertil")
    start_report(anna, "Annas nämnd")
    anna_id, bertil_id = user_id(session_factory, 2), user_id(session_factory, 3)
    admin.say(f"/ansvarig {CASE} #{bertil_id}")
    bertil.say(f"/fortsatt {CASE}")
    bertil.say("Bertils nämnd")

    assert "samordnare" in anna.say(f"/ta_bort {CASE} #{bertil_id}")
    listing = admin.received[-1] if admin.say(f"/ta_bort {CASE}") else None
    assert listing is not None and f"Anna (#{anna_id})" in listing.plain_text
    assert f"/ta_bort {CASE} #{anna_id}" in [b.command for row in listing.buttons for b in row]

    admin.say(f"/ta_bort {CASE} #{anna_id}")
    question = admin.received[-1]
    assert "Ta bort Anna" in question.plain_text
    assert [b.command for b in question.buttons[0]] == [
        f"/ta_bort {CASE} #{anna_id} ja",
        f"/ta_bort {CASE} #{anna_id} nej",
    ]
    assert "Ingen togs bort" in admin.say(f"/ta_bort {CASE} #{anna_id} nej")
    assert "Bertils nämnd" in anna.say("/utkast")

    assert "borttagen" in admin.say(f"/ta_bort {CASE} #{anna_id} ja")
    for command in ["/utkast", f"/fortsatt {CASE}", f"/ny {CASE}"]:
        assert "Bertils nämnd" not in anna.say(command)
    assert CASE not in anna.say("/arenden")
    assert "inte med i" in admin.say(f"/ta_bort {CASE} #{anna_id} ja")
    assert "Bertils nämnd" in bertil.say("/utkast")
    with session_factory() as session:
        case = repo.find_case(session, CASE)
        assert case is not None
        removed = [e for e in access_repo.audit_events(session, case.id)
                   if e.action == "member_removed"]  # fmt: skip
        assert len(removed) == 1 and removed[0].detail["user_id"] == anna_id


def test_removing_the_responsible_leaves_the_arende_without_one(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    anna = make_official(admin, strict, 2, "Anna")
    start_report(anna, "Annas nämnd")
    anna_id = user_id(session_factory, 2)
    assert "är ansvarig för ärendet" in admin.say(f"/ta_bort {CASE} #{anna_id}")
    admin.say(f"/ta_bort {CASE} #{anna_id} ja")
    with session_factory() as session:
        case = repo.find_case(session, CASE)
        assert case is not None and case.responsible_user_id is None
    assert "Du kan inte ta bort dig själv" in admin.say(
        f"/ta_bort {CASE} #{user_id(session_factory, ADMIN_ID)}"
    )


def test_a_coordinator_cannot_repair_another_coordinators_registered_arende(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    make_official(admin, strict, 2, "Anna")
    cecilia = telegram_user(strict, 4, "Cecilia")
    cecilia.say(f"/start {invite_code(admin.say('/inbjudan samordnare'))}")
    row = f"{CASE};Nämnden;2019;500 000 kr;2019-03-11;2020-02-28;a@malmo.se;Anna"
    send_file(admin, "a.csv", csv_file(row))
    anna_id = user_id(session_factory, 2)
    assert "inget registrerat ärende" in cecilia.say(f"/ta_bort {CASE} #{anna_id}")
    assert "inget registrerat ärende" in cecilia.say(f"/ansvarig {CASE} #{anna_id}")


def test_users_with_the_same_name_are_told_apart_and_a_name_may_be_typed_in_part(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    make_official(admin, strict, 2, "Anna Svensson")
    make_official(admin, strict, 3, "Anna Svensson")
    make_official(admin, strict, 4, "Bertil Berg")
    first, second = user_id(session_factory, 2), user_id(session_factory, 3)
    admin.say("/registrera")
    for value in [CASE, "Servicenämnden", "mall-2019", "500 000 kr", "alla", "2019-03-11",
                  "2020-02-28", "a@malmo.se"]:  # fmt: skip
        admin.say(value)
    choices = admin.received[-1]
    labels = [b.label for row in choices.buttons for b in row]
    assert f"Anna Svensson (#{first})" in labels and f"Anna Svensson (#{second})" in labels
    assert len(labels) == len(set(labels)), "no two buttons look the same"
    many = admin.say("Anna Svensson")
    assert f"#{first}" in many and f"#{second}" in many and "Ange numret" in many
    assert f"#{first}" in admin.say("svens") and "Hittar ingen" in admin.say("Karin")
    summary = admin.say("bert")  # a unique part of a name
    assert f"Bertil Berg (#{user_id(session_factory, 4)})" in summary
    assert "är registrerat" in admin.say("ja")


def test_a_last_reply_date_long_past_is_confirmed_in_the_chat_and_refused_from_a_file(
    strict: Conversation, clock: MovableClock
) -> None:
    clock.now = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    admin.say("/registrera")
    for value in [CASE, "Servicenämnden", "mall-2019", "500 000 kr", "alla", "2019-03-11",
                  "2020-02-28", "a@malmo.se"]:  # fmt: skip
        admin.say(value)
    summary = admin.say("ingen")
    assert "passerade för 2148 dagar sedan" in summary and "Stämmer årtalet?" in summary
    assert "Inget registrerades" in admin.say("nej")
    row = "SN-2018-1996;Nämnden;2019;500 000 kr;2019-03-11;2020-02-28;a@malmo.se;ingen"
    report = send_file(admin, "a.csv", csv_file(row))
    assert "Inget registrerades: 1 rad har fel" in report
    assert "Rad 2, sista svarsdatum" in report and "Kontrollera årtalet" in report
    recent = row.replace("2020-02-28", "2026-01-10")
    assert "1 ärende är registrerat" in send_file(admin, "a.csv", csv_file(recent))


def test_the_overview_marks_findings_older_than_the_answers(
    strict: Conversation, session_factory: SessionFactory, clock: MovableClock
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    anna = make_official(admin, strict, 2, "Anna")
    row = f"{CASE};Nämnden;2019;500 000 kr;2019-03-11;2020-02-28;a@malmo.se;Anna"
    send_file(admin, "a.csv", csv_file(row))
    anna.say(f"/fortsatt {CASE}")
    anna.say("Servicenämnden")
    clock.advance(minutes=5)
    with session_factory.begin() as session:
        case = repo.find_case(session, CASE)
        assert case is not None
        repo.record_review(session, case.id, 1, clock())
    fresh = admin.say("/oversikt")
    assert "1 öppen anmärkning" in fresh and "före de senaste ändringarna" not in fresh
    clock.advance(minutes=5)
    anna.say("/andra 1 Arbetsmarknadsnämnden")
    stale = admin.say("/oversikt")
    assert "1 anmärkning vid en granskning före de senaste ändringarna" in stale


def test_access_is_known_before_anything_is_fetched(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    assert strict.has_access(admin.ref)  # an administrator before their first message
    stranger = telegram_user(strict, 9, "Okänd")
    assert not strict.has_access(stranger.ref)
    stranger.say("/start")
    assert not strict.has_access(stranger.ref)
    anna = make_official(admin, strict, 2, "Anna")
    assert strict.has_access(anna.ref)
    assert "spärrad" in admin.say(f"/sparra {user_id(session_factory, 2)}")
    assert not strict.has_access(UserRef("telegram:2", "Anna"))


def test_usernames_tell_apart_users_with_the_same_name(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    for number, username in [(2, "anna_s"), (3, "annasv")]:
        user = ChatUser(strict, UserRef(f"telegram:{number}", "Anna Svensson", username))
        assert "Välkommen" in user.say(f"/start {invite_code(admin.say('/inbjudan'))}")
    second = user_id(session_factory, 3)
    listing = admin.say("/anvandare")
    assert "Anna Svensson @anna_s" in listing and "Anna Svensson @annasv" in listing
    admin.say("/registrera")
    for value in [CASE, "Servicenämnden", "mall-2019", "500 000 kr", "alla", "2019-03-11",
                  "2020-02-28", "a@malmo.se"]:  # fmt: skip
        admin.say(value)
    labels = [b.label for row in admin.received[-1].buttons for b in row]
    assert f"Anna Svensson @annasv (#{second})" in labels
    assert f"Anna Svensson @annasv (#{second})" in admin.say("@annasv")
    admin.say("ja")
    with session_factory() as session:
        case = repo.find_case(session, CASE)
        assert case is not None and case.responsible_user_id == second


def test_a_started_arende_registered_step_by_step_keeps_its_answers_under_the_new_mall(
    strict: Conversation, session_factory: SessionFactory
) -> None:
    admin = telegram_user(strict, ADMIN_ID, "Admin")
    anna = make_official(admin, strict, 2, "Anna")
    start_report(anna, "Annas nämnd")  # on mall-2019
    admin.say("/registrera")
    for value in [CASE, "Servicenämnden", "mall-2018", "300 000 kr", "okänt", "2018-03-01",
                  "2020-02-28", "a@malmo.se"]:  # fmt: skip
        admin.say(value)
    admin.say("ingen")
    done = admin.say("ja")
    assert "är registrerat" in done and "hade redan påbörjats av Anna" in done
    anna_id = user_id(session_factory, 2)
    with session_factory() as session:
        case = repo.find_case(session, CASE)
        assert case is not None and case.template_id == "mall-2018"
        assert case.responsible_user_id == anna_id, "no one named: the one who started stays"
    draft = anna.say("/utkast")
    assert "Annas nämnd" in draft
