"""The client for an OpenAI-compatible endpoint: retries, one overall deadline, a circuit breaker.

Synchronous on purpose: the engine runs in worker threads. One `LlmClient.complete` call is
one question to the model whose reply must validate against a pydantic schema:

- transient failures (429, honouring Retry-After; 5xx; connection errors; time-outs) are
  retried with exponential backoff, all under one deadline (settings.llm_deadline_seconds);
  each attempt's time-out is settings.llm_timeout_seconds, or what is left of the deadline;
- a 400 (or any other 4xx) is never retried;
- a reply that does not validate (malformed JSON, wrong shape) is asked again once, then
  given up;
- a `CircuitBreaker` counts consecutive failed attempts; when open, no request is sent
  until its cool-down has passed, then one trial goes through;
- every reply that came back with HTTP 200 reports its token counts to a `UsageRecorder`.

Failures end in an `LlmError`; callers catch it and carry on without the model.
The API key is never logged, and never part of an error message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import openai
from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel
from tenacity import RetryCallState, Retrying, retry_if_exception

from bot.config import Settings
from bot.review.llm_breaker import BreakerState, CircuitBreaker
from bot.review.llm_errors import (
    LlmError,
    LlmInvalidReply,
    LlmRequestFailed,
    LlmUnavailable,
    TransportFailure,
    counts_against_endpoint,
    describe_error,
    is_transient,
    parse_retry_after,
)
from bot.review.token_usage import TokenUsage, UsageRecorder, ignore_usage

__all__ = [
    "BreakerState",
    "CircuitBreaker",
    "LlmClient",
    "LlmError",
    "LlmInvalidReply",
    "LlmRequestFailed",
    "LlmUnavailable",
    "SchemaT",
    "TokenUsage",
    "UsageRecorder",
    "ignore_usage",
    "parse_retry_after",
]

log = logging.getLogger(__name__)

SchemaT = TypeVar("SchemaT", bound=BaseModel)

BACKOFF_FIRST_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 8.0
SCHEMA_ATTEMPTS = 2  # the first reply, and one more when it does not validate


class LlmClient:
    """Asks one OpenAI-compatible endpoint for replies that validate against a schema."""

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        base_url: str | None = None,
        timeout_seconds: float = 30.0,
        deadline_seconds: float = 60.0,
        breaker: CircuitBreaker | None = None,
        usage: UsageRecorder = ignore_usage,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.model = model
        self.breaker = breaker or CircuitBreaker()
        self._timeout = timeout_seconds
        self._deadline = deadline_seconds
        self._usage = usage
        self._monotonic = monotonic
        self._sleep = sleep
        self._client = openai.OpenAI(
            api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout_seconds
        )

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        usage: UsageRecorder = ignore_usage,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> LlmClient | None:
        """The client for the configured endpoint, or None when OPENAI_API_KEY is unset."""
        if settings.openai_api_key is None:
            return None
        return cls(
            api_key=settings.openai_api_key.get_secret_value(),
            model=settings.openai_model,
            base_url=settings.openai_base_url,
            timeout_seconds=settings.llm_timeout_seconds,
            deadline_seconds=settings.llm_deadline_seconds,
            breaker=breaker,
            usage=usage,
            sleep=sleep,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> LlmClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def complete(
        self,
        *,
        purpose: str,
        messages: list[ChatCompletionMessageParam],
        schema: type[SchemaT],
        case_id: int | None = None,
    ) -> SchemaT:
        """Ask the model and return its reply validated against `schema`; raise LlmError."""
        deadline_at = self._monotonic() + self._deadline
        for schema_attempt in range(1, SCHEMA_ATTEMPTS + 1):
            raw = self._request_with_retries(purpose, messages, schema, deadline_at)
            self._report_usage(raw, purpose, case_id)
            try:
                parsed = raw.parse().choices[0].message.parsed
            except (ValueError, TypeError, IndexError, openai.OpenAIError) as exc:
                reason = type(exc).__name__  # the reply text may hold personal data: not logged
            else:
                if isinstance(parsed, schema):
                    return parsed
                reason = "no parsed content (refusal?)"
            log.warning(
                "LLM %s: reply %d does not fit %s (%s)",
                purpose,
                schema_attempt,
                schema.__name__,
                reason,
            )
        raise LlmInvalidReply(f"{purpose}: svaret från språkmodellen följde inte schemat")

    def _request_with_retries(
        self,
        purpose: str,
        messages: list[ChatCompletionMessageParam],
        schema: type[SchemaT],
        deadline_at: float,
    ) -> Any:
        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            if isinstance(error, TransportFailure) and error.retry_after is not None:
                return error.retry_after
            backoff = BACKOFF_FIRST_SECONDS * 2 ** (state.attempt_number - 1)
            return float(min(backoff, BACKOFF_MAX_SECONDS))

        def stop(state: RetryCallState) -> bool:
            return self._monotonic() + state.upcoming_sleep >= deadline_at

        def before_sleep(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            log.info(
                "LLM %s: attempt %d failed (%s), retrying in %.2f s",
                purpose,
                state.attempt_number,
                error,
                state.upcoming_sleep,
            )

        retrying = Retrying(
            retry=retry_if_exception(lambda e: isinstance(e, TransportFailure)),
            wait=wait,
            stop=stop,
            sleep=self._sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return retrying(self._attempt, messages, schema, deadline_at)
        except TransportFailure as exc:
            raise LlmRequestFailed(f"{purpose}: språkmodellen svarade inte ({exc})") from None

    def _attempt(
        self,
        messages: list[ChatCompletionMessageParam],
        schema: type[SchemaT],
        deadline_at: float,
    ) -> Any:
        remaining = deadline_at - self._monotonic()
        if remaining <= 0:
            raise LlmRequestFailed("tidsgränsen för språkmodellen passerades")
        if not self.breaker.allow():
            raise LlmUnavailable("språkmodellen är tillfälligt avstängd efter upprepade fel")
        try:
            raw = self._client.chat.completions.with_raw_response.parse(
                model=self.model,
                messages=messages,
                response_format=schema,
                temperature=0.2,
                timeout=min(self._timeout, remaining),
            )
        except openai.APIError as exc:
            if counts_against_endpoint(exc):
                self.breaker.record_failure()
            else:
                self.breaker.record_success()
            if not is_transient(exc):
                raise LlmRequestFailed(
                    f"språkmodellen avböjde frågan ({describe_error(exc)})"
                ) from None
            retry_after = (
                parse_retry_after(exc.response.headers)
                if isinstance(exc, openai.APIStatusError)
                else None
            )
            raise TransportFailure(exc, retry_after) from None
        except BaseException:
            self.breaker.record_failure()
            raise
        self.breaker.record_success()
        return raw

    def _report_usage(self, raw: Any, purpose: str, case_id: int | None) -> None:
        try:
            body = raw.http_response.json()
            usage = body.get("usage") or {}
            model = str(body.get("model") or self.model)
            report = TokenUsage(
                case_id=case_id,
                purpose=purpose,
                model=model,
                prompt_tokens=int(usage.get("prompt_tokens") or 0),
                completion_tokens=int(usage.get("completion_tokens") or 0),
            )
        except (ValueError, TypeError, AttributeError):
            log.warning("LLM %s: the reply carries no readable usage", purpose)
            return
        try:
            self._usage(report)
        except Exception:  # recording cost must never break the review
            log.exception("LLM %s: could not record token usage", purpose)
