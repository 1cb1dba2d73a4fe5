"""Telegram's limits under a virtual clock, and a 429 retried after its retry_after."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.reminders.sender import (
    Outcome,
    Outgoing,
    RateLimited,
    Undeliverable,
    deliver,
    deliver_all,
    interleave,
)
from bot.telegram.notifier import TelegramNotifier, retry_after_seconds
from tests.fakes.bot_api import FakeBotApi
from tests.reminders.helpers import RecordingNotifier, VirtualTime

TOKEN = "123456:reminders-test-token"
EPSILON = 1e-9


async def test_a_held_up_loop_delays_what_follows_rather_than_bunching_it() -> None:
    time = VirtualTime()
    notifier = RecordingNotifier(time)
    messages = [Outgoing(f"telegram:{n}", "hej", (n,)) for n in range(40)]
    time.overshoot = [0.0, 0.0, 0.0, 0.5]  # the fourth wake-up comes half a second late
    await deliver_all(notifier, time.limiter(), messages, lambda *_: None, concurrency=40)
    moments = sorted(at for _, _, at in notifier.sent)
    gaps = [b - a for a, b in zip(moments, moments[1:], strict=False)]
    assert max(gaps) >= 0.5  # the late one came late...
    assert min(gaps) >= 1 / 30 - EPSILON  # ...and nothing after it came sooner than 1/30 s


async def test_the_limiter_keeps_30_a_second_and_one_a_second_per_chat() -> None:
    time = VirtualTime()
    notifier = RecordingNotifier(time)
    chats = [f"telegram:{n}" for n in range(50)]
    messages = [Outgoing(chats[i % 50], f"m{i}", (i,)) for i in range(500)]  # 10 per chat
    outcomes: list[Outcome] = []
    start = time()
    await deliver_all(
        notifier, time.limiter(), messages, lambda _, o: outcomes.append(o), concurrency=16
    )
    assert outcomes == [Outcome.SENT] * 500
    moments = sorted(at for _, _, at in notifier.sent)
    # At most 30 in any second: the 31st message after any one is at least a second later.
    assert all(moments[i + 30] - moments[i] >= 1 - EPSILON for i in range(len(moments) - 30))
    for chat in chats:
        own = [at for c, _, at in notifier.sent if c == chat]
        assert all(b - a >= 1 - EPSILON for a, b in zip(own, own[1:], strict=False))
    # ... and not much slower than the limits allow: 500 at 30/s is 16.6 s.
    assert moments[-1] - start == pytest.approx(499 / 30, abs=0.01)


async def test_one_chat_alone_gets_one_a_second() -> None:
    time = VirtualTime()
    notifier = RecordingNotifier(time)
    messages = [Outgoing("telegram:7", f"m{i}", (i,)) for i in range(5)]
    await deliver_all(notifier, time.limiter(), messages, lambda *_: None)
    moments = [at for _, _, at in notifier.sent]
    assert [b - a for a, b in zip(moments, moments[1:], strict=False)] == [1.0] * 4


def test_interleave_spreads_one_chats_messages() -> None:
    messages = [Outgoing(chat, chat + str(i), (i,)) for i, chat in enumerate("aaabc")]
    assert [m.chat_external_id for m in interleave(messages)] == list("abcaa")


async def test_rate_limited_is_retried_after_its_delay_and_pauses_everyone() -> None:
    time = VirtualTime()
    notifier = RecordingNotifier(time, failures=[RateLimited(7)])
    limiter = time.limiter()
    start = time()
    messages = [Outgoing(f"telegram:{n}", "hej", (n,)) for n in range(3)]
    outcomes: list[Outcome] = []
    await deliver_all(notifier, limiter, messages, lambda _, o: outcomes.append(o), concurrency=1)
    assert outcomes == [Outcome.SENT] * 3
    assert [at - start for _, _, at in notifier.sent][0] >= 7
    assert all(at - start >= 7 for _, _, at in notifier.sent)


async def test_undeliverable_is_not_retried() -> None:
    time = VirtualTime()
    notifier = RecordingNotifier(time, failures=[Undeliverable("blocked")])
    message = Outgoing("telegram:1", "hej", (1,))
    assert await deliver(notifier, time.limiter(), message) is Outcome.UNDELIVERABLE
    assert notifier.sent == []


@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as running:
        yield running


def test_retry_after_in_seconds_from_either_form(monkeypatch: pytest.MonkeyPatch) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)  # PTB 22 warns on the int form
        assert retry_after_seconds(RetryAfter(3)) == 3.0
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB 22's opt-in: a timedelta, no warning
    assert retry_after_seconds(RetryAfter(timedelta(seconds=1.5))) == 1.5


async def test_telegram_notifier_against_the_local_bot_api(
    server: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB 22's documented opt-in; no warning
    time = VirtualTime()
    server.fail_next("sendMessage", 429, retry_after=3)
    async with Bot(TOKEN, base_url=server.base_url) as bot:
        notifier = TelegramNotifier(bot)
        outcome = await deliver(notifier, time.limiter(), Outgoing("telegram:42", "Hej <&>", (1,)))
        assert outcome is Outcome.SENT
        assert time.sleeps and max(time.sleeps) >= 3  # waited the retry_after, on virtual time
        assert [m.text for m in server.messages(42)] == ["Hej <&>"]
        assert len(server.calls_of("sendMessage")) == 2
        with pytest.raises(Undeliverable):
            await notifier.send("terminal:anna", "hej")
        server.fail_next("sendMessage", 403)
        with pytest.raises(Undeliverable):
            await notifier.send("telegram:42", "hej")
