"""Call the Bot API again when the failure is transient, and only then.

Telegram's flood control answers 429 with `retry_after`: wait that long and send again.
A 502 or 5xx from the server (or a proxy in front of it), a time-out or a broken
connection: wait a little longer each time and send again. A bad request, a blocked
bot or a wrong token is never retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.telegram.notifier import retry_after_seconds

log = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS = 5
FIRST_BACKOFF = 0.25
MAX_BACKOFF = 4.0
MAX_RETRY_AFTER = 300.0


async def with_retries(call: Callable[[], Awaitable[T]], what: str, attempts: int = ATTEMPTS) -> T:
    """Await `call()`, again after a 429 (honouring retry_after) or a transient network error."""
    backoff = FIRST_BACKOFF
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except RetryAfter as error:
            if attempt == attempts:
                raise
            delay = min(max(retry_after_seconds(error), 0.0), MAX_RETRY_AFTER)
            log.warning("%s: flood control, waiting %.1f s (attempt %d)", what, delay, attempt)
            await asyncio.sleep(delay)
        except BadRequest:
            raise
        except NetworkError as error:
            if attempt == attempts:
                raise
            log.warning("%s: %s; again in %.2f s (attempt %d)", what, error, backoff, attempt)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
    raise AssertionError("unreachable")
