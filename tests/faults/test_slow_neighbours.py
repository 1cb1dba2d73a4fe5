"""No starvation between instances: a chat that one instance holds with slow work takes
no place at the other instance while its next message waits there.

Two instances run as production runs them (TELEGRAM_INSTANCES=2, webhook mode, one
PostgreSQL). Eighteen officials each send a slow `/klar` (three seconds in the turn)
that the load balancer hands to instance A, then a second `/klar` that it hands to B,
which has to wait for A to let go of each chat. Meanwhile three other officials ask
for /status at B. They are answered at once: the eighteen waits at B hold none of its
sixteen places for chats, nor a database connection.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.bot_api import FakeBotApi, FakeUser
from tests.faults.harness import BotProcess
from tests.faults.test_inbox_kill import free_port, says

pytestmark = pytest.mark.postgres

SLOW_CHATS = range(6101, 6119)  # 18
OTHERS = range(6201, 6204)
SLOW_SECONDS = 3.0


async def timed_status(user: FakeUser) -> float:
    started = time.monotonic()
    await user.ask("/status", says("redovisning"), timeout=60)
    return time.monotonic() - started


async def test_others_at_the_second_instance_wait_for_none_of_the_slow_chats(
    api: FakeBotApi, shared_database: str, tmp_path: Path
) -> None:
    env = {
        "TELEGRAM_INSTANCES": "2",
        "REDOVISA_FAULTS_SLOW_TEXT": "/klar",
        "REDOVISA_FAULTS_SLOW_SECONDS": str(SLOW_SECONDS),
    }
    users = [*SLOW_CHATS, *OTHERS]
    instances = [
        BotProcess(tmp_path / name, shared_database, api, users=users, env=env)
        for name in ("a", "b")
    ]
    ports = [free_port(), free_port()]
    seen: dict[int, int] = {}

    def route(update: dict[str, Any]) -> int | None:
        chat = update.get("message", {}).get("chat", {}).get("id")
        if chat in SLOW_CHATS:  # first message to A, the second to B
            seen[chat] = seen.get(chat, 0) + 1
            return 0 if seen[chat] == 1 else 1
        return 1 if chat in OTHERS else None

    try:
        for instance, port in zip(instances, ports, strict=True):
            instance.start(port)
        api.balance_webhooks([f"http://127.0.0.1:{port}/telegram/hook" for port in ports])
        api.webhook_router = route
        slow = [api.private_chat(user, f"Långsam {user}") for user in SLOW_CHATS]
        others = [api.private_chat(user, f"Annan {user}") for user in OTHERS]
        for user in others:
            await timed_status(user)  # warm: the users exist
        await asyncio.sleep(1.1)  # Telegram's one message a second per chat
        idle = await asyncio.gather(*(timed_status(user) for user in others))
        await asyncio.sleep(1.1)
        for user in slow:
            user.send("/klar")
        for user in slow:
            user.send("/klar")
        await asyncio.sleep(0.5)  # B has all eighteen second messages waiting now
        waits = await asyncio.gather(*(timed_status(user) for user in others))
        print(f"\nothers' /status at the second instance: {[round(w, 3) for w in waits]} s "
              f"(with no slow chats: {[round(w, 3) for w in idle]} s)")  # fmt: skip
        assert max(waits) < 1.0, waits
        await api.wait_for(
            lambda: all(len(u.unread()) >= 2 for u in slow), 90, "every slow chat answered"
        )
    finally:
        for instance in instances:
            instance.kill()
