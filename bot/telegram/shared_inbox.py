"""Several bot instances on one PostgreSQL, behind a load balancer (TELEGRAM_INSTANCES > 1).

Telegram's webhook posts each update to whichever instance the load balancer picks, so
one chat's updates arrive at different instances. Each instance stores what it receives
in the shared inbox before answering the webhook (bot/telegram/inbox.py); then:

- **One instance at a time per chat**, by a lease in the database (`ChatLeases`, a
  PostgreSQL advisory lock held while an update is handled and its replies are sent).
- **In order**: holding the lease, the instance handles the chat's unfinished updates up
  to the one it received, oldest first, the ones other instances received included (from
  the stored payload). An instance that receives update N+1 while another one handles N
  waits for the lease, finds N finished and goes on with N+1; one that gets the lease
  first handles N itself, and the other then finds N finished and does nothing with it.
- **Once**: an update finished is never handled again; one whose turn was committed but
  whose replies may not have been sent (its instance died) gets the note that it was kept
  and where the conversation stands, as after a restart.
- **Nothing lost with an instance**: its leases end with its connections; updates it
  stored and never finished are taken by the next update of the chat, or by the sweep
  that every instance runs (`SWEEP_SECONDS`) over chats with updates left waiting longer
  than `SWEEP_GRACE`. Its jobs are taken over through `InstanceLiveness` (bot/engine/jobs.py).

The engine also locks each turn's user in its transaction (`storage.locks.lock_turn`).
Telegram's overall limit of 30 messages a second is shared by giving each instance
1/TELEGRAM_INSTANCES of it (bot/telegram/app.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from contextlib import suppress
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.engine.update_store import ChatLeases, Sessions, Unfinished, UpdateStore
from bot.telegram.chat_lock import chat_key
from bot.telegram.inbox import (
    KEEP_FINISHED,
    SOURCE,
    Clock,
    Inbox,
    InboxUpdateProcessor,
    Resume,
    utc_now,
)

log = logging.getLogger(__name__)

SWEEP_SECONDS = 1.0
SWEEP_GRACE = timedelta(seconds=3)


class SharedInbox(Inbox):
    """The inbox of one of several instances: handles by lease, in order, and sweeps."""

    def __init__(
        self,
        store: UpdateStore | Sessions,
        leases: ChatLeases,
        clock: Clock = utc_now,
        sweep_seconds: float = SWEEP_SECONDS,
        sweep_grace: timedelta = SWEEP_GRACE,
        retention: timedelta = KEEP_FINISHED,
    ) -> None:
        super().__init__(store, clock, retention)
        self.leases = leases
        self.sweep_seconds = sweep_seconds
        self.sweep_grace = sweep_grace
        self.application: Application | None = None  # type: ignore[type-arg]
        self._sweeper: asyncio.Task[None] | None = None
        self._processor: SharedUpdateProcessor | None = None

    def processor(self, resume: Resume) -> InboxUpdateProcessor:
        self._processor = SharedUpdateProcessor(self, resume)
        return self._processor

    async def of_chat(self, chat: int, up_to: int) -> list[Unfinished]:
        found: list[Unfinished] = await self._run(
            lambda: self.updates.unfinished_of_chat(chat, up_to, self._clock())
        )
        return found

    async def waiting(self) -> list[tuple[int, int]]:
        before = self._clock() - self.sweep_grace
        found: list[tuple[int, int]] = await self._run(lambda: self.updates.chats_waiting(before))
        return found

    async def replay(self, application: Application) -> int:  # type: ignore[type-arg]
        """Start sweeping: what this or another instance left unfinished is handled by
        lease, in order (the sweep's first round runs at once)."""
        self.application = application
        self.resuming.clear()
        self.start_pruning()
        self._sweeper = asyncio.create_task(self._sweep_forever())
        return 0

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:  # the next round tries again
                log.exception("taking over waiting updates failed")
            await asyncio.sleep(self.sweep_seconds)

    async def sweep(self) -> int:
        """Handle the chats whose updates were left waiting (their instance died, or this
        one before a restart), each unless some instance is at it; return how many chats."""
        assert self._processor is not None
        taken = 0
        for chat, last in await self.waiting():
            if await self._processor.take_over(chat, last):
                taken += 1
        if taken:
            log.info("took over the waiting updates of %d chats", taken)
        return taken

    def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        self.leases.close()
        super().close()


class SharedUpdateProcessor(InboxUpdateProcessor):
    """Each chat by lease (every instance), in order of the stored updates."""

    inbox: SharedInbox

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None or not isinstance(update, Update):
            await coroutine
            return
        try:
            async with self.locks.hold(key), self.inbox.leases.hold(key):
                await self._handle_up_to(key, update.update_id, update, coroutine)
        finally:
            if asyncio.iscoroutine(coroutine):
                coroutine.close()  # not awaited: handled elsewhere, or cancelled waiting

    async def take_over(self, chat: int, last: int) -> bool:
        """Handle the chat's waiting updates up to `last`, unless it is busy anywhere."""
        if chat in self.locks.busy():
            return False
        async with self.locks.hold(chat), self.inbox.leases.hold(chat, wait=False) as held:
            if held:
                await self._handle_up_to(chat, last, None, None)
            return held

    async def _handle_up_to(
        self, chat: int, last: int, received: Update | None, coroutine: Awaitable[Any] | None
    ) -> None:
        application = self.inbox.application
        assert application is not None
        for row in await self.inbox.of_chat(chat, last):
            if row.handled:
                self.inbox.keep_for_resume(row)
            if received is not None and row.update_id == received.update_id:
                update = received
                work = self.resume(update) if row.handled else coroutine
            else:
                update = Update.de_json(row.payload, application.bot)
                work = self.resume(update) if row.handled else application.process_update(update)
            assert work is not None
            with suppress(Exception):  # PTB's error handler has told the user already
                await work
            try:
                await self.inbox.finish(row.update_id)
            except Exception as error:  # handled again by a sweep, with a note
                log.warning("marking update %s finished failed: %s", row.update_id,
                            type(error).__name__)  # fmt: skip


def inbox_for(
    instances: int,
    sessions: Sessions,
    clock: Clock = utc_now,
    retention: timedelta = KEEP_FINISHED,
) -> Inbox:
    """The inbox of an instance: shared (by lease, with sweeps) when several instances run
    on PostgreSQL, the single process's otherwise (SQLite is always one process);
    `retention` is INBOX_RETENTION_DAYS."""
    store = UpdateStore(sessions, SOURCE)
    leases = store.leases(instances)
    if leases is None:
        if instances > 1:
            log.warning("TELEGRAM_INSTANCES > 1 needs PostgreSQL; running as one process")
        return Inbox(store, clock, retention)
    return SharedInbox(store, leases, clock, retention=retention)
