"""What one reply of the language model cost, and the protocol of whoever keeps count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class TokenUsage:
    """What one reply cost."""

    case_id: int | None
    purpose: str
    model: str
    prompt_tokens: int
    completion_tokens: int


class UsageRecorder(Protocol):
    """Where token counts go; called once for every reply that came back."""

    def __call__(self, usage: TokenUsage) -> None: ...


def ignore_usage(usage: TokenUsage) -> None:
    """A recorder that keeps nothing."""
