"""Sending messages through a `Notifier` within a chat platform's limits.

Telegram allows a bot about 30 messages a second in all and one a second per chat; beyond
that it answers 429 with `retry_after`. `RateLimiter` keeps under both limits: it lets the
bot's messages out one at a time, evenly spaced, and each chat's one at a time with at
least the chat's spacing between them. It runs on an injected clock and sleep, so tests and
benchmarks can run it on virtual time.

The Telegram adapter puts one `RateLimiter` in front of every Bot API call the bot makes
(`bot/telegram/outbound.py`), so the Telegram notifier limits itself and the reminder job
gets no limiter of its own (`limiter=None`): replies and reminders share one budget. A
notifier that does not limit itself is given a `RateLimiter` here.

The notifier translates its platform's errors into the three below; nothing here knows
Telegram.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Notifier(Protocol):
    async def send(self, chat_external_id: str, text: str) -> None: ...


class RateLimited(Exception):
    """The platform asked us to wait `retry_after` seconds (Telegram's 429)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited, retry after {retry_after} s")
        self.retry_after = retry_after


class Undeliverable(Exception):
    """This message can never be delivered (the user blocked the bot, the chat is gone)."""


class TemporaryFailure(Exception):
    """The message did not go out this time (a time-out, a 5xx); a later try may work."""


class RateLimiter:
    """At most `per_second` messages a second in all, one per `per_chat_interval` per chat.

    Each message waits first for its chat (the chat's messages pass one at a time, each
    `per_chat_interval` after the one before), then for the bot (one at a time, each
    `1 / per_second` after the one before, none while paused). Both are measured from when
    a message really went, so a moment the event loop was held up (a database commit, a
    garbage collection) delays what comes after it rather than letting it out in a burst.
    """

    def __init__(
        self,
        per_second: float = 30.0,
        per_chat_interval: float = 1.0,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError("a rate limiter needs a positive rate")
        self._clock = clock
        self._sleep = sleep
        self._spacing = 1.0 / per_second
        self._per_chat_interval = per_chat_interval
        self._gate = asyncio.Lock()  # wakes its waiters first come, first served
        self._last = float("-inf")
        self._paused_until = float("-inf")
        self._chat_last: dict[str, float] = {}
        self._chat_turns: dict[str, tuple[asyncio.Lock, int]] = {}

    def pause(self, seconds: float) -> None:
        """Send nothing for `seconds` (after a 429); messages already waiting wait too."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def acquire(self, chat: str | None) -> None:
        """Wait until a message to `chat` may go out, and take that slot; `chat` None takes
        a slot of the overall limit only (a call that posts no new message in a chat)."""
        if chat is None:
            await self._overall_turn()
            return
        lock, waiting = self._chat_turns.get(chat, (asyncio.Lock(), 0))
        self._chat_turns[chat] = (lock, waiting + 1)
        try:
            async with lock:
                chat_free = self._chat_last.get(chat, float("-inf")) + self._per_chat_interval
                await self._wait_until(max(chat_free, self._paused_until))
                self._chat_last[chat] = await self._overall_turn()
        finally:
            lock, waiting = self._chat_turns[chat]
            if waiting == 1:
                del self._chat_turns[chat]
            else:
                self._chat_turns[chat] = (lock, waiting - 1)
        self._forget_idle_chats()

    async def _overall_turn(self) -> float:
        """Wait for the bot's next slot; return the moment it was taken."""
        async with self._gate:
            now = await self._wait_until(self._last + self._spacing)
            while now < self._paused_until:  # paused, perhaps while this one waited
                now = await self._wait_until(max(self._paused_until, self._last + self._spacing))
            self._last = now
            return now

    async def _wait_until(self, moment: float) -> float:
        now = self._clock()
        if moment > now:
            await self._sleep(moment - now)
            now = self._clock()
        return now

    def _forget_idle_chats(self) -> None:
        if len(self._chat_last) > 10_000:
            cutoff = self._clock() - self._per_chat_interval
            self._chat_last = {c: t for c, t in self._chat_last.items() if t > cutoff}


class Outcome(StrEnum):
    SENT = "sent"
    UNDELIVERABLE = "undeliverable"  # give up on it
    FAILED = "failed"  # try again later


@dataclass(frozen=True)
class Outgoing:
    """One message to send, and the reminder rows it carries."""

    chat_external_id: str
    text: str
    reminder_ids: tuple[int, ...]


async def deliver(
    notifier: Notifier, limiter: RateLimiter | None, message: Outgoing, max_rate_limited: int = 5
) -> Outcome:
    """Send one message within the limits; after a 429 wait its `retry_after` and try again.

    Without a `limiter` the notifier keeps the limits and retries by itself; a 429 that
    still comes out of it leaves the message for a later round."""
    for _ in range(max_rate_limited + 1):
        if limiter is not None:
            await limiter.acquire(message.chat_external_id)
        try:
            await notifier.send(message.chat_external_id, message.text)
        except RateLimited as exc:
            log.warning("rate limited, waiting %.1f s", exc.retry_after)
            if limiter is None:
                return Outcome.FAILED
            limiter.pause(exc.retry_after)
            continue
        except Undeliverable as exc:
            log.warning("cannot deliver to %s: %s", message.chat_external_id, exc)
            return Outcome.UNDELIVERABLE
        except TemporaryFailure as exc:
            log.warning("sending to %s failed, will retry later: %s", message.chat_external_id, exc)
            return Outcome.FAILED
        return Outcome.SENT
    return Outcome.FAILED


def interleave(messages: Sequence[Outgoing]) -> list[Outgoing]:
    """Order messages round-robin by chat, so a chat's second message waits alone."""
    queues: dict[str, deque[Outgoing]] = defaultdict(deque)
    for message in messages:
        queues[message.chat_external_id].append(message)
    ordered: list[Outgoing] = []
    while queues:
        for chat in list(queues):
            ordered.append(queues[chat].popleft())
            if not queues[chat]:
                del queues[chat]
    return ordered


async def deliver_all(
    notifier: Notifier,
    limiter: RateLimiter | None,
    messages: Sequence[Outgoing],
    on_outcome: Callable[[Outgoing, Outcome], Awaitable[None] | None],
    concurrency: int = 8,
) -> None:
    """Send every message, up to `concurrency` at a time; report each outcome as it comes.

    `on_outcome` runs right after each message, so that what was sent is recorded before
    the next message goes out: a crash then doubles at most the messages in flight.
    """
    gate = asyncio.Semaphore(concurrency)

    async def one(message: Outgoing) -> None:
        async with gate:
            try:
                outcome = await deliver(notifier, limiter, message)
            except Exception:  # a bug or an unknown error: log it, retry after the lease
                log.exception("sending to %s failed", message.chat_external_id)
                outcome = Outcome.FAILED
            recorded = on_outcome(message, outcome)
            if recorded is not None:
                await recorded

    async with asyncio.TaskGroup() as group:
        for message in interleave(messages):
            group.create_task(one(message))
