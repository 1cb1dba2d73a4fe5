"""Every Bot API call through one limiter and one retry policy, over the local Bot API server.

The bot runs as in production (TelegramBot: the Application, its OutboundLimiter, the
reminder job on the Application's bot); the server records when each call arrives and
how it was answered, and plays a lost answer, flood control and a failing proxy.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.engine.messages import Attachment, Block, Incoming, Reply, UserRef, say
from bot.engine.reminder_store import StoredReminders
from bot.mall.template import TemplateCatalog
from bot.reminders.schedule import ReminderSchedule
from bot.reminders.sender import Notifier, Outcome
from bot.reminders.service import ReminderJob, questions_from_catalog, send_all_due_reminders
from bot.reminders.texts import load_texts
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.outbound import (
    Limits,
    OutboundLimiter,
    RetryPolicy,
    UncertainDelivery,
    Verdict,
    verdict,
)
from storage.db import SessionFactory
from tests.fakes.bot_api import Arrival, FakeBotApi, Faults
from tests.reminders.helpers import VirtualTime, seed_due_reminders
from tests.telegram.conftest import QUICK, TOKEN, RunBot

CASE_NUMBER = re.compile(r"STK-9999-\d{5}")
# The load test runs Telegram's limits this many times faster, and measures its "seconds"
# in as many times shorter windows.
SCALE = 2.0


class Echo:
    """An engine that answers each message at once with `ok: <text>` (three replies, each a
    message of its own, to a text that ends in `*3`; a document too to `/utkast`)."""

    def handle(self, user: UserRef, incoming: Incoming) -> list[Reply]:
        what = incoming.file.filename if incoming.file else incoming.text
        if what == "/utkast":
            document = Attachment("utkast.pdf", b"%PDF-1.7 utkast", "application/pdf")
            return [Reply(blocks=(Block("Här är utkastet."),), attachments=(document,))]
        if what and what.endswith("*3"):
            return [say(f"ok: {what} ({n})") for n in range(1, 4)]
        return [say(f"ok: {what}")]


def reminder_job_for(
    notifier: Notifier, sessions: SessionFactory, catalog: TemplateCatalog
) -> ReminderJob:
    """The reminder job as production builds it: no limiter of its own."""
    return ReminderJob(
        store=StoredReminders(sessions),
        notifier=notifier,
        questions=questions_from_catalog(catalog),
        texts=load_texts(),
        schedule=ReminderSchedule(),
        clock=lambda: datetime.now(UTC),
    )


def sent(api: FakeBotApi, method: str = "sendMessage") -> list[Arrival]:
    """The calls of `method` the server carried out (answered 200), in order of arrival."""
    return sorted((a for a in api.arrivals if a.method == method and a.status == 200),
                  key=lambda a: a.at)  # fmt: skip


def most_in_any_window(moments: Sequence[float], window: float) -> int:
    """The largest number of moments within any half-open window of `window` seconds."""
    ordered = sorted(moments)
    most, first = 0, 0
    for last, moment in enumerate(ordered):
        while moment - ordered[first] >= window:
            first += 1
        most = max(most, last - first + 1)
    return most


def test_what_the_policy_does_after_each_failure() -> None:
    """Read from the error python-telegram-bot raises and the transport error beneath it."""

    def caused(error: NetworkError, cause: BaseException) -> NetworkError:
        error.__cause__ = cause
        return error

    request = httpx.Request("POST", "http://127.0.0.1/bot/sendMessage")
    read_timeout = caused(TimedOut(), httpx.ReadTimeout("", request=request))
    dropped = caused(NetworkError("httpx.ReadError"), httpx.ReadError("", request=request))
    refused = caused(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused"))
    no_connection = caused(TimedOut(), httpx.ConnectTimeout("", request=request))
    pool = caused(TimedOut(), httpx.PoolTimeout("", request=request))
    gateway = NetworkError("Bad Gateway (502)")
    assert verdict(RetryAfter(3), "sendMessage") is Verdict.FLOOD
    for error in (gateway, refused, no_connection, pool):
        assert verdict(error, "sendMessage") is Verdict.AGAIN
    for error in (read_timeout, dropped):
        assert verdict(error, "sendMessage") is Verdict.UNCERTAIN
        assert verdict(error, "sendDocument") is Verdict.UNCERTAIN
        assert verdict(error, "editMessageText") is Verdict.UNCERTAIN
        assert verdict(error, "getFile") is Verdict.AGAIN  # reading again harms nothing
        assert verdict(error, "sendChatAction") is Verdict.AGAIN
        assert verdict(error, "download") is Verdict.AGAIN
    for error in (BadRequest("Bad Request: message is too long"), Forbidden("blocked"),
                  UncertainDelivery("sendMessage: no answer")):  # fmt: skip
        assert verdict(error, "sendMessage") is Verdict.FINAL


async def test_a_reply_whose_answer_is_lost_is_not_sent_twice(
    api: FakeBotApi, run_bot: RunBot, caplog: pytest.LogCaptureFixture
) -> None:
    user = api.private_chat(6001, "Tove")
    caplog.set_level(logging.WARNING, logger="bot.telegram.outbound")
    async with run_bot(Echo(), read_timeout=0.3):
        api.answer_late("sendMessage", 1.0)  # carried out at once, answered after the time-out
        user.send("första")
        user.send("andra")  # handled after the first reply, time-out and all
        await api.wait_for(lambda: any(m.text == "ok: andra" for m in api.messages(6001)))
        api.answer_late("sendDocument", 1.0)
        user.send("/utkast")
        user.send("tredje")
        await api.wait_for(lambda: any(m.text == "ok: tredje" for m in api.messages(6001)))
        # A read time-out on getFile is only a read: it is asked again and the file arrives.
        api.answer_late("getFile", 1.0)
        user.send_document("utkast.txt", b"Tidigare utkast")
        await api.wait_for(lambda: len(api.messages(6001)) >= 6, what="the file's reply")
    assert [m.text for m in api.messages(6001)] == [
        "ok: första",
        "ok: andra",
        "Här är utkastet.",
        "",  # the document
        "ok: tredje",
        "ok: utkast.txt",
    ]
    assert len(api.calls_of("sendMessage")) == 5  # none of them sent again
    assert len(api.calls_of("sendDocument")) == 1
    assert len(api.calls_of("getFile")) == 2  # the read was repeated
    warnings = [r.getMessage() for r in caplog.records if "may or may not" in r.getMessage()]
    assert warnings == [
        f"{method} to chat 6001: no answer (TimedOut); it may or may not have arrived and is "
        "not sent again"
        for method in ("sendMessage", "sendDocument")
    ]


async def test_a_reminder_whose_answer_is_lost_counts_as_sent(
    api: FakeBotApi, sqlite_session_factory: SessionFactory, catalog: TemplateCatalog
) -> None:
    seed_due_reminders(sqlite_session_factory, 3, first_chat=200_000)
    api.answer_late("sendMessage", 1.0)
    request = HTTPXRequest(read_timeout=0.3)
    bot: ExtBot[int] = ExtBot(TOKEN, base_url=api.base_url, request=request,
                              rate_limiter=OutboundLimiter(QUICK))  # fmt: skip
    async with bot:
        job = reminder_job_for(TelegramNotifier(bot), sqlite_session_factory, catalog)
        first = await send_all_due_reminders(job)
        again = await send_all_due_reminders(job)
    assert first.outcomes == {Outcome.SENT: 3} and again.claimed == 0
    numbers = Counter(
        n for call in api.calls_of("sendMessage") for n in CASE_NUMBER.findall(call["text"])
    )
    assert numbers == {f"STK-9999-0000{n}": 1 for n in range(3)}


async def test_flood_control_and_a_failing_proxy_lose_nothing_and_send_nothing_early(
    api: FakeBotApi, run_bot: RunBot
) -> None:
    users = [api.private_chat(6100 + n, f"U{n}") for n in range(15)]
    api.inject_faults(Faults(bad_gateway=0.2, flood=0.04, retry_after=1))
    async with run_bot(Echo(), limits=Limits()):  # Telegram's limits
        for round_ in range(3):
            for user in users:
                user.send(f"{user.chat_id}-{round_}")
        for user in users:
            await api.wait_for_messages(user.chat_id, 3, timeout=20)
    for user in users:  # each reply once, in order
        expected = [f"ok: {user.chat_id}-{r}" for r in range(3)]
        assert [m.text for m in api.messages(user.chat_id)] == expected
    answers = Counter(a.status for a in api.arrivals if a.method == "sendMessage")
    assert answers[200] == 45
    assert answers[502] >= 5  # about a fifth of the calls failed at the proxy
    assert answers[429] >= 1  # and flood control struck at least once
    assert api.early == []  # nothing came while Telegram had asked the bot to wait
    waits = []
    for arrival in (a for a in api.arrivals if a.status == 429):  # the message came again
        again = [a for a in sent(api) if (a.chat_id, a.text) == (arrival.chat_id, arrival.text)]
        waits.append(again[0].at - arrival.at)
    print(f"\n{answers.total()} sendMessage calls: {answers[502]} answered 502, {answers[429]} "
          f"429 (retry_after 1 s), {len(api.early)} early; {answers[200]} delivered, each once; "
          f"the shortest wait after a 429 {min(waits):.3f} s")  # fmt: skip
    assert min(waits) >= 1.0


async def test_200_reminders_and_50_writing_chats_keep_within_telegrams_limits(
    api: FakeBotApi,
    run_bot: RunBot,
    sqlite_session_factory: SessionFactory,
    catalog: TemplateCatalog,
) -> None:
    # Official n is chat 100000 + n; the first 50 of them write two messages each, at the
    # moment their 200 reminders fall due.
    seed_due_reminders(sqlite_session_factory, 200, first_chat=100_000)
    writers = [api.private_chat(100_000 + n, f"W{n}") for n in range(50)]
    for round_ in range(2):
        for user in writers:
            user.send(f"{user.chat_id}-{round_}")

    def reminder_job(notifier: Notifier) -> ReminderJob:
        return reminder_job_for(notifier, sqlite_session_factory, catalog)

    limits = Limits(per_second=Limits().per_second * SCALE, per_chat_interval=1.0 / SCALE)
    async with run_bot(Echo(), limits=limits, reminders=reminder_job):
        await api.wait_for(lambda: len(sent(api)) >= 300, timeout=20, what="300 messages")
        writers[0].send("tre svar*3")  # then three messages for one chat at once
        await api.wait_for(lambda: len(sent(api)) >= 303, timeout=5, what="three replies")
    messages = sent(api)
    reminders = Counter(n for a in messages for n in CASE_NUMBER.findall(a.text or ""))
    replies = Counter(a.text for a in messages if (a.text or "").startswith("ok: "))
    assert len(reminders) == 200 and set(reminders.values()) == {1}
    assert len(replies) == 103 and set(replies.values()) == {1}

    second = 1.0 / SCALE
    per_chat: dict[int | None, list[float]] = defaultdict(list)
    for arrival in messages:
        per_chat[arrival.chat_id].append(arrival.at)
    gaps = [
        b - a for moments in per_chat.values() for a, b in zip(moments, moments[1:], strict=False)
    ]
    overall = most_in_any_window([a.at for a in messages], second)
    busiest_chat = max(most_in_any_window(moments, second) for moments in per_chat.values())
    print(f"\n303 messages in {(messages[-1].at - messages[0].at) * SCALE:.1f} s: at most "
          f"{overall} in any second, at most {busiest_chat} per chat in any second, the "
          f"shortest gap in one chat {min(gaps) * SCALE:.3f} s")  # fmt: skip
    assert overall <= 30
    assert min(gaps) >= 0.9 * second  # about one a second in each chat


async def test_attempts_and_waiting_are_bounded(api: FakeBotApi) -> None:
    time = VirtualTime()
    limiter = OutboundLimiter(QUICK, RetryPolicy(attempts=5, max_wait=60), clock=time,
                              sleep=time.sleep)  # fmt: skip
    bot: ExtBot[int] = ExtBot(TOKEN, base_url=api.base_url, rate_limiter=limiter)
    async with bot:
        api.fail_next("sendMessage", 502, times=5)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(7001, "hej")
        assert len(api.calls_of("sendMessage")) == 5  # five attempts, then it gives up
        backoffs = list(time.sleeps)
        api.fail_next("sendMessage", 429, retry_after=120)  # longer than the bounded wait
        with pytest.raises(RetryAfter):
            await bot.send_message(7001, "hej")
        assert len(api.calls_of("sendMessage")) == 6  # not tried again
        api.fail_next("sendMessage", 400)
        with pytest.raises(BadRequest):
            await bot.send_message(7001, "hej")
        assert len(api.calls_of("sendMessage")) == 7  # a bad request never again
    assert api.messages(7001) == []
    assert len(backoffs) >= 4 and sum(backoffs) <= 60
