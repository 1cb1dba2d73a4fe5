"""Fixtures for the LLM reviewer: the fake endpoint, settings pointing at it, no real sleeping."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.review.llm_breaker import CircuitBreaker
from bot.review.llm_reviewer import LlmReviewer
from bot.review.token_usage import TokenUsage
from tests.fakes.openai_server import FakeOpenAIServer

TEST_API_KEY = "sk-test-4f1c9b2e7d6a5f3e"


class RecordingSleep:
    """Stands in for time.sleep: remembers how long it was asked to wait, waits not at all."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class RecordingUsage:
    """A UsageRecorder that keeps what it was told."""

    def __init__(self) -> None:
        self.reports: list[TokenUsage] = []

    def __call__(self, usage: TokenUsage) -> None:
        self.reports.append(usage)


class FloatClock:
    """A monotonic clock for the circuit breaker that the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def llm_settings(openai_server: FakeOpenAIServer) -> Settings:
    return Settings(
        openai_api_key=SecretStr(TEST_API_KEY),
        openai_base_url=openai_server.base_url,
        openai_model="fake-model",
        llm_timeout_seconds=0.5,
        llm_deadline_seconds=2.0,
        llm_mask=["personnummer", "email", "phone", "person_name"],
    )


@pytest.fixture
def sleeps() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def usage() -> RecordingUsage:
    return RecordingUsage()


@pytest.fixture
def breaker_clock() -> FloatClock:
    return FloatClock()


@pytest.fixture
def breaker(breaker_clock: FloatClock) -> CircuitBreaker:
    return CircuitBreaker(failure_threshold=3, cooldown_seconds=30.0, clock=breaker_clock)


@pytest.fixture
def reviewer(
    llm_settings: Settings,
    usage: RecordingUsage,
    breaker: CircuitBreaker,
    sleeps: RecordingSleep,
) -> Iterator[LlmReviewer]:
    with LlmReviewer.from_settings(
        llm_settings, usage=usage, breaker=breaker, sleep=sleeps
    ) as built:
        yield built
