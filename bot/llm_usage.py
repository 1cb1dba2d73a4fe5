"""Stores the language model's token use per ärende; part of the wiring.

The review domain reports what each reply cost through its `UsageRecorder` protocol;
this recorder is the one the wiring (bot.app) hands it, and writes to storage.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.review.token_usage import TokenUsage
from storage.repository import record_llm_usage
from storage.unit_of_work import Sessions, UnitOfWork


class StorageUsageRecorder:
    """Writes each usage to the llm_usage table in a short transaction of its own."""

    def __init__(self, session_factory: Sessions, clock: Callable[[], datetime]) -> None:
        self._uow = UnitOfWork.of(session_factory)
        self._clock = clock

    def __call__(self, usage: TokenUsage) -> None:
        self._uow.write(
            lambda session: record_llm_usage(
                session,
                usage.case_id,
                usage.purpose,
                usage.model,
                usage.prompt_tokens,
                usage.completion_tokens,
                self._clock(),
            )  # fmt: skip
        )
