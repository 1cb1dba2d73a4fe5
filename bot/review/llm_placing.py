"""Where does a message belong that the chat's rules could not place? The language model's
verdict, when one is configured.

The chat asks the official about a short message that does not fit its question, or that
reads like talk to the bot (bot/engine/understanding.py). The model is then asked, with
the message masked as every text the review sends (masking.py) and passed as data: is it
an answer to the question, talk to the bot, or one of the chat's commands (and which)?
The verdict only chooses which question the official is asked next and its buttons; it
never stores or drops anything. Without a model, or when it fails, there is no verdict.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from bot.review.llm import LlmClient, LlmError
from bot.review.llm_prompts import LLM_PROMPTS_DIR, PromptTemplate, as_data, load_prompt
from bot.review.masking import PLACEHOLDER_PATTERN, MaskPolicy

log = logging.getLogger(__name__)

PROMPT_FILE = LLM_PROMPTS_DIR / "placing.toml"
MAX_MESSAGE_CHARS = 2_000

Verdict = Literal["answer", "talk", "command"]


class PlacingReply(BaseModel):
    """What the model answers."""

    verdict: Verdict
    command: str | None = Field(
        default=None, description="with verdict command: one of the listed commands"
    )


@dataclass(frozen=True)
class UnplacedMessage:
    """A message and the question it was sent at; `commands` are name -> what it does."""

    text: str
    question: str
    hint: str
    shape: str
    parts_written: int
    commands: dict[str, str]


@dataclass(frozen=True)
class Placing:
    """The model's verdict; `command` is one of the commands it was offered, with "command"."""

    verdict: Verdict
    command: str | None = None


def load_placing_prompt() -> PromptTemplate:
    return load_prompt(PROMPT_FILE)


def place_message(
    client: LlmClient,
    message: UnplacedMessage,
    *,
    masking: MaskPolicy | None = None,
    case_id: int | None = None,
    prompt: PromptTemplate | None = None,
) -> Placing | None:
    """The model's verdict on one message; None when it was not asked, failed, or named a
    command it was not offered."""
    if not message.text.strip() or len(message.text) > MAX_MESSAGE_CHARS:
        return None
    template = prompt or load_placing_prompt()
    session = (masking or MaskPolicy.from_names(())).session()
    document = {
        "question": message.question,
        "hint": message.hint,
        "answer_shape": message.shape,
        "parts_already_written": message.parts_written,
        "commands": [{"name": n, "does": d} for n, d in message.commands.items()],
        "message": session.mask(message.text),
    }
    messages = template.render(data=as_data(document))
    try:
        reply = client.complete(
            purpose=template.purpose, messages=messages, schema=PlacingReply, case_id=case_id
        )
    except LlmError as exc:
        log.info("no verdict on a message: %s", type(exc).__name__)
        return None
    if reply.verdict != "command":
        return Placing(reply.verdict)
    command = (reply.command or "").strip().lstrip("/").lower()
    if command not in message.commands or PLACEHOLDER_PATTERN.search(command):
        log.info("the model named a command it was not offered; no verdict")
        return None
    return Placing("command", command)
