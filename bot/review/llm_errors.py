"""How asking the language model fails: the errors raised, and how an HTTP failure is judged.

`LlmError` and its kinds are what the client raises; the rest sorts an openai error into
transient (retried, honouring Retry-After) or not, and into one that counts against the
endpoint (for the circuit breaker) or is about the one request. Messages never carry the
API key or the reply text.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from typing import Any

import openai


class LlmError(Exception):
    """The model could not be asked or gave no usable reply; the message is safe to log."""


class LlmUnavailable(LlmError):
    """Not asked at all: no key configured, or the circuit breaker is open."""


class LlmRequestFailed(LlmError):
    """Asked, but every attempt failed or the deadline passed."""


class LlmInvalidReply(LlmError):
    """The model answered, twice, with something that does not fit the schema."""


class TransportFailure(Exception):
    """One attempt failed in a way that may pass; wraps the openai error."""

    def __init__(self, cause: openai.APIError, retry_after: float | None) -> None:
        super().__init__(describe_error(cause))
        self.cause = cause
        self.retry_after = retry_after


def describe_error(error: BaseException) -> str:
    if isinstance(error, openai.APIStatusError):
        return f"HTTP {error.status_code}"
    return type(error).__name__


def is_transient(error: openai.APIError) -> bool:
    if isinstance(error, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(error, openai.APIStatusError):
        return error.status_code == 429 or error.status_code >= 500
    return False


def counts_against_endpoint(error: openai.APIError) -> bool:
    """A 400/422 is about this one request; anything else says the endpoint is not usable."""
    if isinstance(error, openai.APIStatusError):
        return error.status_code not in (400, 413, 422)
    return True


def parse_retry_after(headers: Any, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from retry-after-ms or Retry-After (seconds or an HTTP date), if given."""
    try:
        millis = headers.get("retry-after-ms")
        if millis is not None:
            return max(0.0, float(millis) / 1000)
        value = headers.get("retry-after")
    except (AttributeError, ValueError):
        return None
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())
