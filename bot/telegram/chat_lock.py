"""Many chats at once, each chat in order.

python-telegram-bot hands every update to the update processor as a task of its own, in
the order it received them. `PerChatUpdateProcessor` lets the tasks of different chats
run side by side, and makes the tasks of one chat wait for each other in that order
(an asyncio.Lock wakes its waiters first come, first served). So one user's slow step
holds up nobody else, and a user's second message is never handled before the first.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Hashable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# The semaphore of BaseUpdateProcessor must never be what orders updates, so it is set far
# above any real load; the work itself is bounded by the engine's thread pool.
MAX_CONCURRENT_UPDATES = 100_000


class KeyedLocks:
    """One asyncio.Lock per key, dropped again when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)

    def busy(self) -> set[Hashable]:
        """The keys somebody holds or waits for now."""
        return set(self._locks)


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (the user's id for a private chat)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates of different chats concurrently; updates of one chat one at a time, in order."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self.locks = KeyedLocks()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        try:
            async with self.locks.hold(key):
                await coroutine
        except asyncio.CancelledError:
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting its turn: never started
            raise

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
