"""Every Bot API call of the bot through one rate limiter and one retry policy.

python-telegram-bot hands every call but getUpdates to the Application's rate limiter
(`BaseRateLimiter.process_request`, which sees the method and its parameters), so replies,
edits, documents, reminders and digests all pass `OutboundLimiter` and the call sites need
no wrapper. `OutboundLimiter` is PTB's `AIORateLimiter` (which keeps 20 messages a minute
per group) extended with:

* the overall limit and the spacing of about one message a second per chat, kept by the
  `RateLimiter` of bot/reminders/sender.py: one token bucket for the whole bot that spaces
  messages evenly (aiolimiter's bucket of 30 lets a burst of 30 through and then 30 more
  within the same second), and a slot per chat for each call that posts a new message;
* after a 429, a pause of every call for its `retry_after`;
* the retry policy below, written with tenacity.

The retry policy: after a 429, wait its `retry_after` and send again. After a 5xx answer or
a failure to connect (the server did not act on the request), back off and send again.
When the request went out but its answer did not come back (a read time-out, a dropped
connection), a call that only reads is sent again; a call that sends or changes something
is not, since the first one may have arrived: a one-line warning says it may or may not
have arrived, `UncertainDelivery` is raised, and the user's next step recovers. A bad
request, a blocked bot or a wrong token is never retried. At most `attempts` attempts and
`max_wait` seconds of waiting between them.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from telegram import File
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import AIORateLimiter
from telegram.warnings import PTBDeprecationWarning
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from bot.reminders.sender import Clock, RateLimiter, Sleep

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")
Result = bool | dict[str, Any] | list[dict[str, Any]]
Callback = Callable[..., Coroutine[Any, Any, Result]]

# Telegram allows about 30 messages a second in all; the margin keeps network jitter from
# ever putting a 31st into one second at the server.
MESSAGES_PER_SECOND = 28.0
SECONDS_BETWEEN_MESSAGES_PER_CHAT = 1.0
GROUP_MESSAGES_PER_MINUTE = 20.0

DOWNLOAD = "download"  # a file's bytes, fetched from the file URL
# Calls that may be sent again when their answer was lost: they read, or repeating them
# changes nothing.
REPEATABLE = frozenset(
    {DOWNLOAD, "sendChatAction", "setMyCommands", "deleteMyCommands", "setWebhook",
     "deleteWebhook"}
)  # fmt: skip
# Calls that post a new message in a chat (and so take that chat's slot).
NEW_MESSAGE_EXCEPTIONS = frozenset({"sendChatAction"})
NEW_MESSAGE_OTHERS = frozenset({"copyMessage", "copyMessages", "forwardMessage", "forwardMessages"})


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, whether PTB gives it as seconds or as a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def repeatable(endpoint: str) -> bool:
    return endpoint.startswith("get") or endpoint in REPEATABLE


def posts_a_message(endpoint: str) -> bool:
    if endpoint in NEW_MESSAGE_EXCEPTIONS:
        return False
    return endpoint.startswith("send") or endpoint in NEW_MESSAGE_OTHERS


class UncertainDelivery(NetworkError):
    """A call that sends or changes something went out, but its answer never came: it may
    or may not have arrived, and it is not sent again."""


class Verdict(Enum):
    FLOOD = "wait retry_after, then again"
    AGAIN = "back off, then again"
    UNCERTAIN = "may have arrived: not again"
    FINAL = "never again"


def _not_acted_on(error: NetworkError) -> bool:
    """The server answered with an error status (5xx), or the request never left."""
    cause = error.__cause__
    if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return True
    # An error status comes without a transport error as its cause (at most the failure to
    # parse a proxy's HTML page); a time-out always has one.
    return not isinstance(error, TimedOut) and (cause is None or isinstance(cause, TelegramError))


def verdict(error: BaseException, endpoint: str) -> Verdict:
    """What the policy does after `error` from a call of `endpoint`."""
    if isinstance(error, RetryAfter):
        return Verdict.FLOOD
    if isinstance(error, BadRequest | UncertainDelivery) or not isinstance(error, NetworkError):
        return Verdict.FINAL
    if _not_acted_on(error) or repeatable(endpoint):
        return Verdict.AGAIN
    return Verdict.UNCERTAIN


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded attempts, a bounded total wait; backoff doubling from `first_backoff`."""

    attempts: int = 5
    max_wait: float = 60.0  # seconds of waiting between the attempts of one call, at most
    first_backoff: float = 0.25
    max_backoff: float = 4.0

    async def run(
        self,
        call: Callable[[], Awaitable[T]],
        endpoint: str,
        where: str = "",
        sleep: Sleep = asyncio.sleep,
    ) -> T:
        """Await `call()` until it succeeds or the policy gives up (raising the last error)."""

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            if isinstance(error, RetryAfter):
                return max(retry_after_seconds(error), 0.0)
            doubled = self.first_backoff * 2 ** (state.attempt_number - 1)
            return min(doubled, self.max_backoff) + random.uniform(0, self.first_backoff)

        def stop(state: RetryCallState) -> bool:
            too_long = state.idle_for + state.upcoming_sleep > self.max_wait
            return state.attempt_number >= self.attempts or too_long

        def before_sleep(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            reason = "flood control" if isinstance(error, RetryAfter) else str(error)[:100]
            log.warning("%s%s: %s; again in %.2f s (attempt %d of %d)", endpoint, where,
                        reason, state.upcoming_sleep, state.attempt_number, self.attempts)  # fmt: skip

        retrying = AsyncRetrying(
            retry=retry_if_exception(
                lambda e: verdict(e, endpoint) in (Verdict.FLOOD, Verdict.AGAIN)
            ),
            wait=wait,
            stop=stop,
            sleep=sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                try:
                    return await call()
                except NetworkError as error:
                    if verdict(error, endpoint) is not Verdict.UNCERTAIN:
                        raise
                    log.warning("%s%s: no answer (%s); it may or may not have arrived and is "
                                "not sent again", endpoint, where, type(error).__name__)  # fmt: skip
                    raise UncertainDelivery(f"{endpoint}: no answer") from error
        raise AssertionError("unreachable: tenacity returns or raises")


@dataclass(frozen=True)
class Limits:
    """Telegram's flood limits as the bot keeps them (tests scale them)."""

    per_second: float = MESSAGES_PER_SECOND
    per_chat_interval: float = SECONDS_BETWEEN_MESSAGES_PER_CHAT
    group_per_minute: float = GROUP_MESSAGES_PER_MINUTE


def limits_of_one_of(
    instances: int,
    per_second: float = MESSAGES_PER_SECOND,
    per_chat_interval: float = SECONDS_BETWEEN_MESSAGES_PER_CHAT,
) -> Limits:
    """The limits of one of `instances` bot instances (TELEGRAM_INSTANCES): the overall
    `per_second` (TELEGRAM_MESSAGES_PER_SECOND, by default just under Telegram's 30) is the
    bot's, whichever instance sends, so each instance keeps 1/N of it. Simple, with no
    coordination between instances; an instance that is idle leaves its share unused (a
    chat's own limit, TELEGRAM_CHAT_INTERVAL_SECONDS, is kept by the instance holding the
    chat, since one chat is handled by one instance at a time)."""
    return Limits(per_second=per_second / max(instances, 1), per_chat_interval=per_chat_interval)


def limits_from(settings: Settings) -> Limits:
    return limits_of_one_of(
        settings.telegram_instances,
        settings.telegram_messages_per_second,
        settings.telegram_chat_interval_seconds,
    )


class _Flood(Exception):
    """A 429 on its way out past AIORateLimiter (which would log it as an error)."""

    def __init__(self, error: RetryAfter) -> None:
        super().__init__(str(error))
        self.error = error


class OutboundLimiter(AIORateLimiter):
    """The Application's one rate limiter: group limits, the overall and per-chat limits,
    the pause after a 429, and the retry policy, for every Bot API call."""

    def __init__(
        self,
        limits: Limits | None = None,
        policy: RetryPolicy | None = None,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.limits = limits or Limits()
        self.policy = policy or RetryPolicy()
        # The overall limit is the throttle's (evenly spaced), so aiolimiter's is off.
        super().__init__(
            overall_max_rate=0,
            group_max_rate=self.limits.group_per_minute,
            group_time_period=60,
            max_retries=0,
        )
        self.throttle = RateLimiter(
            self.limits.per_second, self.limits.per_chat_interval, clock=clock, sleep=sleep
        )
        self._sleep = sleep

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Send the call within the limits, again as the retry policy says."""
        chat_id = data.get("chat_id")
        chat = str(chat_id) if chat_id is not None and posts_a_message(endpoint) else None
        throttle = self.throttle
        group_limited = super().process_request

        async def throttled(*call_args: Any, **call_kwargs: Any) -> Result:
            if chat_id is not None:
                await throttle.acquire(chat)
            try:
                return await callback(*call_args, **call_kwargs)
            except RetryAfter as error:
                throttle.pause(retry_after_seconds(error))
                raise _Flood(error) from None

        async def once() -> Result:
            try:
                return await group_limited(throttled, args, kwargs, endpoint, data, None)
            except _Flood as flood:
                raise flood.error from None

        where = f" to chat {chat_id}" if chat_id is not None else ""
        return await self.policy.run(once, endpoint, where, self._sleep)


async def download(file: File, policy: RetryPolicy | None = None) -> bytes:
    """A file's bytes (a download is a plain GET that PTB does not pass the limiter), under
    the same retry policy."""
    return bytes(await (policy or RetryPolicy()).run(file.download_as_bytearray, DOWNLOAD))
