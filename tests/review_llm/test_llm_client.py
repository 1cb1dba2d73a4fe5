"""LlmClient over real HTTP against the fake endpoint: retries, deadline, breaker, usage."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel

from bot.config import Settings
from bot.review.llm import LlmClient
from bot.review.llm_breaker import BreakerState, CircuitBreaker
from bot.review.llm_errors import (
    LlmError,
    LlmInvalidReply,
    LlmRequestFailed,
    LlmUnavailable,
    parse_retry_after,
)
from bot.review.token_usage import TokenUsage
from tests.fakes.openai_server import (
    FakeOpenAIServer,
    hang,
    malformed_json,
    reply,
    slow,
    status,
)
from tests.review_llm.conftest import (
    TEST_API_KEY,
    FloatClock,
    RecordingSleep,
    RecordingUsage,
)

MESSAGES: list[ChatCompletionMessageParam] = [
    {"role": "system", "content": "Svara med JSON."},
    {"role": "user", "content": "<data>{}</data>"},
]
GOOD = {"suggestion": "Vi ordnade två utbildningar.", "explanation": "Kortare meningar."}


class Suggestion(BaseModel):
    suggestion: str
    explanation: str


@pytest.fixture
def client(
    llm_settings: Settings,
    usage: RecordingUsage,
    breaker: CircuitBreaker,
    sleeps: RecordingSleep,
) -> Iterator[LlmClient]:
    built = LlmClient.from_settings(llm_settings, usage=usage, breaker=breaker, sleep=sleeps)
    assert built is not None
    with built:
        yield built


def ask(client: LlmClient) -> Suggestion:
    return client.complete(purpose="phrasing", messages=MESSAGES, schema=Suggestion, case_id=7)


def test_a_good_reply_is_parsed_and_its_tokens_reported(
    client: LlmClient, openai_server: FakeOpenAIServer, usage: RecordingUsage
) -> None:
    openai_server.enqueue(reply(GOOD, prompt_tokens=321, completion_tokens=54))
    assert ask(client) == Suggestion(**GOOD)
    [request] = openai_server.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert request.body["model"] == "fake-model"
    assert request.body["response_format"]["type"] == "json_schema"
    assert request.body["messages"] == MESSAGES
    [report] = usage.reports
    assert (report.case_id, report.purpose, report.model) == (7, "phrasing", "fake-model")
    assert (report.prompt_tokens, report.completion_tokens) == (321, 54)


def test_malformed_json_is_asked_again_once(
    client: LlmClient, openai_server: FakeOpenAIServer, usage: RecordingUsage
) -> None:
    openai_server.enqueue(malformed_json(), reply(GOOD))
    assert ask(client) == Suggestion(**GOOD)
    assert len(openai_server.requests) == 2
    assert len(usage.reports) == 2  # the bad reply cost tokens too


def test_two_replies_of_the_wrong_shape_are_dropped(
    client: LlmClient, openai_server: FakeOpenAIServer, breaker: CircuitBreaker
) -> None:
    openai_server.enqueue(reply({"forslag": "fel fält"}), malformed_json(), reply(GOOD))
    with pytest.raises(LlmInvalidReply):
        ask(client)
    assert len(openai_server.requests) == 2
    assert openai_server.pending == 1
    assert breaker.state is BreakerState.CLOSED  # the endpoint answered; it is not down


def test_429_waits_as_long_as_retry_after_says(
    client: LlmClient, openai_server: FakeOpenAIServer, sleeps: RecordingSleep
) -> None:
    openai_server.enqueue(status(429, headers={"Retry-After": "1"}), reply(GOOD))
    assert ask(client) == Suggestion(**GOOD)
    assert sleeps.calls == [1.0]
    assert len(openai_server.requests) == 2


def test_429_whose_retry_after_passes_the_deadline_gives_up(
    client: LlmClient, openai_server: FakeOpenAIServer, sleeps: RecordingSleep
) -> None:
    openai_server.enqueue(status(429, headers={"Retry-After": "120"}), reply(GOOD))
    with pytest.raises(LlmRequestFailed, match="429"):
        ask(client)
    assert sleeps.calls == []
    assert len(openai_server.requests) == 1


def test_500_is_retried_with_backoff(
    client: LlmClient, openai_server: FakeOpenAIServer, sleeps: RecordingSleep
) -> None:
    openai_server.enqueue(status(500), status(503), reply(GOOD))
    assert ask(client) == Suggestion(**GOOD)
    assert sleeps.calls == [0.5, 1.0]


@pytest.mark.parametrize("code", [400, 401, 404, 422])
def test_a_client_error_is_never_retried(
    client: LlmClient, openai_server: FakeOpenAIServer, sleeps: RecordingSleep, code: int
) -> None:
    openai_server.enqueue(status(code), reply(GOOD))
    with pytest.raises(LlmRequestFailed, match=str(code)):
        ask(client)
    assert len(openai_server.requests) == 1
    assert sleeps.calls == []


def test_a_slow_reply_times_out_and_the_retry_succeeds(
    client: LlmClient, openai_server: FakeOpenAIServer
) -> None:
    openai_server.enqueue(slow(3.0), reply(GOOD))
    started = time.monotonic()
    assert ask(client) == Suggestion(**GOOD)
    assert 0.4 < time.monotonic() - started < 1.5  # one time-out of 0.5 s
    assert len(openai_server.requests) == 2


def test_a_hung_connection_ends_at_the_deadline(
    llm_settings: Settings, openai_server: FakeOpenAIServer, sleeps: RecordingSleep
) -> None:
    openai_server.default = hang()
    settings = llm_settings.model_copy(
        update={"llm_timeout_seconds": 0.3, "llm_deadline_seconds": 0.8}
    )
    client = LlmClient.from_settings(settings, sleep=sleeps)
    assert client is not None
    started = time.monotonic()
    with client, pytest.raises(LlmRequestFailed, match="Timeout"):
        ask(client)
    elapsed = time.monotonic() - started
    assert 0.25 < elapsed < 1.5
    assert 1 <= len(openai_server.requests) <= 3


def test_the_breaker_opens_after_repeated_failures_and_closes_after_a_good_trial(
    client: LlmClient,
    openai_server: FakeOpenAIServer,
    breaker: CircuitBreaker,
    breaker_clock: FloatClock,
) -> None:
    openai_server.enqueue(status(500), status(500), status(500))
    with pytest.raises(LlmError):  # the third failure opens it
        ask(client)
    assert breaker.state is BreakerState.OPEN
    assert len(openai_server.requests) == 3

    with pytest.raises(LlmUnavailable):
        ask(client)
    assert len(openai_server.requests) == 3  # nothing sent while open

    breaker_clock.advance(31)
    assert breaker.state is BreakerState.HALF_OPEN
    openai_server.enqueue(reply(GOOD))
    assert ask(client) == Suggestion(**GOOD)
    assert breaker.state is BreakerState.CLOSED
    assert len(openai_server.requests) == 4


def test_a_failed_trial_opens_the_breaker_again(
    client: LlmClient,
    openai_server: FakeOpenAIServer,
    breaker: CircuitBreaker,
    breaker_clock: FloatClock,
) -> None:
    openai_server.default = status(502)
    with pytest.raises(LlmError):
        ask(client)
    assert breaker.state is BreakerState.OPEN
    breaker_clock.advance(31)
    with pytest.raises(LlmError):  # the trial fails; the retry finds it open again
        ask(client)
    assert len(openai_server.requests) == 4  # three, then exactly one trial
    assert breaker.state is BreakerState.OPEN
    breaker_clock.advance(29)
    assert breaker.state is BreakerState.OPEN


def test_breaker_lets_only_one_trial_through_at_a_time(breaker_clock: FloatClock) -> None:
    breaker = CircuitBreaker(failure_threshold=1, cooldown_seconds=10, clock=breaker_clock)
    breaker.record_failure()
    assert not breaker.allow()
    breaker_clock.advance(10)
    assert breaker.allow()
    assert not breaker.allow()
    breaker.record_success()
    assert breaker.allow() and breaker.allow()


def test_no_key_means_no_client() -> None:
    assert LlmClient.from_settings(Settings(openai_api_key=None)) is None
    assert LlmClient.from_settings(Settings.model_validate({"openai_api_key": "  "})) is None


def test_the_key_is_never_logged(
    client: LlmClient, openai_server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    openai_server.enqueue(status(500), malformed_json(), reply(GOOD), status(401))
    ask(client)
    with pytest.raises(LlmRequestFailed):
        ask(client)
    assert caplog.records
    assert TEST_API_KEY not in caplog.text


def test_a_failing_usage_recorder_does_not_break_the_call(
    llm_settings: Settings, openai_server: FakeOpenAIServer
) -> None:
    def broken(usage: TokenUsage) -> None:
        raise RuntimeError("database is down")

    openai_server.enqueue(reply(GOOD))
    client = LlmClient.from_settings(llm_settings, usage=broken)
    assert client is not None
    with client:
        assert ask(client) == Suggestion(**GOOD)


def test_retry_after_forms() -> None:
    assert parse_retry_after({"retry-after": "2"}) == 2.0
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    http_date = {"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"}
    assert parse_retry_after(http_date, lambda: 1445412485) == 5
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None
