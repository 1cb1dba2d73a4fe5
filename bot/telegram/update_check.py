"""What is not a valid update is refused where it comes in, before it is stored or parsed.

A webhook body must be UTF-8 JSON, an object, with an integer `update_id`, and make a
python-telegram-bot `Update`; anything else gets HTTP 400 from bot/telegram/webhook.py
and is kept nowhere. In polling mode getUpdates hands out a list: an entry that is not
an update but has a usable id is passed on as a bare update marked `POISON`, which the
inbox moves aside (a dead letter with the reason, no content) so the offset moves past
it; an entry without a usable id is dropped. Each refusal is one warning line that names
the reason and never the content.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)

POISON = "redovisa_poison"  # the key of the reason on a bare update passed on
MAX_UPDATE_ID = 2**63 - 1


class PoisonUpdate(ValueError):
    """Not a valid update; `update_id` when the body had a usable one."""

    def __init__(self, reason: str, update_id: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.update_id = update_id


def usable_id(value: object) -> int | None:
    if type(value) is int and 0 <= value <= MAX_UPDATE_ID:  # a bool is no id
        return value
    return None


def checked_update(data: object) -> dict[str, Any]:
    """The update's JSON when it is one; PoisonUpdate (with the reason) otherwise."""
    if not isinstance(data, dict):
        raise PoisonUpdate("not a JSON object")
    update_id = usable_id(data.get("update_id"))
    if update_id is None:
        raise PoisonUpdate("update_id missing or not an integer")
    try:
        Update.de_json(data, None)
    except Exception as error:
        raise PoisonUpdate(f"not a valid update ({type(error).__name__})", update_id) from None
    return data


def parse_body(body: bytes) -> dict[str, Any]:
    """A webhook request's body as an update's JSON; PoisonUpdate when it is none."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise PoisonUpdate("body not UTF-8") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise PoisonUpdate("body not JSON") from None
    return checked_update(data)


class CheckedUpdatesRequest(HTTPXRequest):
    """The getUpdates client: each update of the answer checked (see the module doc).

    `before_each`, when set, is awaited before every request: the inbox waits there until
    the updates handed out before are stored, since the next getUpdates confirms them."""

    before_each: Callable[[], Awaitable[None]] | None = None
    # When set (by the inbox, polling): each valid update's JSON as it came, by its id,
    # until the inbox stores it (rather than the parsed Update turned back into JSON).
    as_received: dict[int, dict[str, Any]] | None = None

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if self.before_each is not None:
            await self.before_each()
        return await super().do_request(*args, **kwargs)

    # python-telegram-bot's is static, and always called on the instance (self.parse_…).
    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        answer: dict[str, Any] = HTTPXRequest.parse_json_payload(payload)
        result = answer.get("result")
        if not isinstance(result, list):
            return answer
        kept: list[Any] = []
        for entry in result:
            try:
                kept.append(checked_update(entry))
            except PoisonUpdate as poison:
                if poison.update_id is not None:  # its move aside is its warning line
                    kept.append({"update_id": poison.update_id, POISON: poison.reason})
                else:
                    log.warning("an update from getUpdates was dropped: %s", poison.reason)
                continue
            if self.as_received is not None:  # python-telegram-bot parses a copy of it
                self.as_received[entry["update_id"]] = entry
        return {**answer, "result": kept}


def poison_of(update: Update) -> str | None:
    """The reason a bare update passed on by CheckedUpdatesRequest is not valid."""
    reason = update.api_kwargs.get(POISON)
    return str(reason) if reason is not None else None
