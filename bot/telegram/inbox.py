"""No update lost in flight: each update is stored before Telegram is told it arrived.

python-telegram-bot confirms a getUpdates batch (asks for the next offset) as soon as it
has put the batch on the Application's update queue, and its webhook server answers 200
once the update is on that queue; a crash before the update was handled used to lose it.
`InboxQueue` is that queue, with `put` storing the update in the database first (the
Updater awaits `put` in both modes), so in polling the offset moves on, and in webhook mode
the request is answered, only after the update is stored. A redelivered update that is
stored already is not queued again.

`InboxUpdateProcessor` marks an update finished once it was handled and its replies sent.
On start, `Inbox.replay` queues the stored updates that were not finished, oldest first,
so each chat's updates are handled in order. The engine claims each delivery id in its
turn's transaction (and marks the inbox row handled there, and keeps the turn's replies
on it), so a replayed update whose turn had committed is not handled twice: the user is
told instead that it was kept, and gets the replies that turn made (they may never have
been sent).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationBuilder, ExtBot

from bot.engine.messages import Incoming, replies_from_json
from bot.engine.update_store import (
    Sessions,
    Unfinished,
    UpdateStore,
    database_away,
    failure_name,
    repair_json,
)
from bot.telegram.chat_lock import PerChatUpdateProcessor, chat_key
from bot.telegram.handlers import TelegramAdapter
from bot.telegram.update_check import CheckedUpdatesRequest, poison_of

log = logging.getLogger(__name__)

SOURCE = "telegram"  # as the engine names the delivery ids of telegram:… users
KEEP_FINISHED = timedelta(days=7)  # INBOX_RETENTION_DAYS's default
PRUNE_SECONDS = 3600.0
FIRST_RETRY_SECONDS = 0.5
STORE_TRIES = 3  # then an update the database refuses is moved aside
MAX_RETRY_SECONDS = 10.0

Clock = Callable[[], datetime]
Resume = Callable[[Update], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Inbox:
    """The database side: store, list unfinished, mark finished (bot/engine/update_store.py).
    The event loop never waits for the database: storing an answer's updates and finishing
    one are handed to the unit of work (its writer, on SQLite) and awaited; the rest runs
    on the inbox's own thread."""

    def __init__(
        self,
        store: UpdateStore | Sessions,
        clock: Clock = utc_now,
        retention: timedelta = KEEP_FINISHED,
    ) -> None:
        """`retention`: how long a finished update's id (and the engine's mark that it was
        handled) is kept against a redelivery (INBOX_RETENTION_DAYS)."""
        self.updates = store if isinstance(store, UpdateStore) else UpdateStore(store, SOURCE)
        self._clock = clock
        self.retention = retention
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="inbox")
        self._pruner: asyncio.Task[None] | None = None
        self.resuming: set[int] = set()  # replayed updates whose turn had committed
        self.kept_replies: dict[int, list[dict[str, Any]]] = {}  # what those turns answered

    async def _run(self, work: Callable[[], Any]) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, work)

    async def store(self, update: Update) -> bool:
        """Store the update durably; False when it was stored before, or is moved aside
        (not a valid update, or not storable after STORE_TRIES tries): then it is confirmed
        to the platform and never handled, and the chat's other updates go on."""
        key = chat_key(update)
        poison = poison_of(update)
        if poison is not None:
            await self.move_aside(update.update_id, key, poison)
            return False
        payload = repair_json(update.to_dict())  # half an emoji cannot be stored

        def work() -> bool:
            return self.updates.store(update.update_id, key, payload, self._clock())

        delay, tries = FIRST_RETRY_SECONDS, 0
        while True:  # never confirmed before it is stored (or moved aside)
            try:
                stored: bool = await self._run(work)
                return stored
            except Exception as error:
                tries += 1
                unreachable = database_away(error)
                if tries >= STORE_TRIES and not unreachable:
                    with suppress(Exception):  # the update itself cannot be stored
                        reason = f"could not be stored ({failure_name(error)})"
                        await self.move_aside(update.update_id, key, reason)
                        return False
                # A database away is warned about at every try (and waited for: nothing
                # is confirmed unstored); an update it refuses is tried again quietly,
                # and its move aside is its one warning.
                level = logging.WARNING if unreachable else logging.INFO
                log.log(level, "storing update %s failed (%s, try %d)", update.update_id,
                        failure_name(error), tries)  # fmt: skip
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_SECONDS)

    async def store_batch(
        self, updates: list[Update], as_received: dict[int, dict[str, Any]] | None = None
    ) -> list[Update]:
        """Store the updates of one getUpdates answer in one write; return those that were
        new (to be handled). `as_received`: their JSON as it came, by id, where known (taken
        out of it; else the update is turned back into JSON). When that write fails, each
        is stored alone (`store`: its retries, and a move aside for one the database
        refuses)."""
        good = [u for u in updates if poison_of(u) is None]
        for update in updates:
            if poison_of(update) is not None:
                await self.store(update)  # moved aside
        received = as_received if as_received is not None else {}
        rows = [
            (u.update_id, chat_key(u), repair_json(received.pop(u.update_id, None) or u.to_dict()))
            for u in good
        ]
        try:
            new = await asyncio.wrap_future(self.updates.store_many_soon(rows, self._clock()))
        except Exception as error:
            log.info("storing %d updates at once failed (%s); one by one", len(good),
                     failure_name(error))  # fmt: skip
            new = [await self.store(update) for update in good]
        return [update for update, is_new in zip(good, new, strict=True) if is_new]

    async def move_aside(self, update_id: int, chat: int | None, reason: str) -> None:
        """Keep the update as a dead letter: its id, its chat and the reason, nothing else."""

        await self._run(lambda: self.updates.move_aside(update_id, chat, reason, self._clock()))
        log.warning("update %s moved aside: %s", update_id, reason)

    async def finish(self, update_id: int) -> None:
        await asyncio.wrap_future(self.updates.finish_soon(update_id, self._clock()))

    async def unfinished(self) -> list[Unfinished]:
        found: list[Unfinished] = await self._run(lambda: self.updates.unfinished(self._clock()))
        return found

    async def prune(self) -> int:
        """Delete the finished updates and the handled marks older than the retention (on
        every instance: each deletes what is old, whoever stored it); return how many."""

        before = self._clock() - self.retention
        pruned: int = await self._run(lambda: self.updates.prune(before))
        if pruned:
            log.info("deleted %d handled updates older than %d days", pruned,
                     self.retention.days)  # fmt: skip
        return pruned

    def start_pruning(self, every: float = PRUNE_SECONDS) -> None:
        """Prune now and then every `every` seconds until the inbox is closed."""

        async def prune_forever() -> None:
            while True:
                try:
                    await self.prune()
                except Exception as error:  # the next round tries again
                    log.warning("deleting old updates failed: %s", type(error).__name__)
                await asyncio.sleep(every)

        self._pruner = asyncio.create_task(prune_forever())

    async def replay(self, application: Application) -> int:  # type: ignore[type-arg]
        """Queue the updates stored but not finished before the last stop; return how many."""
        queue = application.update_queue
        assert isinstance(queue, InboxQueue)
        self.start_pruning()
        rows = await self.unfinished()
        for row in rows:
            update = Update.de_json(row.payload, application.bot)
            if row.handled:
                self.resuming.add(row.update_id)
                self.keep_for_resume(row)
            await queue.put_stored(update)
        if rows:
            log.info("handling %d updates received before the restart", len(rows))
        return len(rows)

    def keep_for_resume(self, row: Unfinished) -> None:
        if row.replies is not None:
            self.kept_replies[row.update_id] = row.replies

    def processor(self, resume: Resume) -> InboxUpdateProcessor:
        """The update processor that finishes this inbox's updates."""
        return InboxUpdateProcessor(self, resume)

    def close(self) -> None:
        if self._pruner is not None:
            self._pruner.cancel()
        self._executor.shutdown(wait=True)


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue: an update is stored before it is queued.

    In webhook mode each `put` stores its update before it returns (and the request is
    answered). In polling mode (`batching`), python-telegram-bot puts the updates of one
    getUpdates answer one after another and confirms them with the next getUpdates: `put`
    then only collects them, they are stored together in one write, and the next getUpdates
    waits for that (`stored`, called by the getUpdates client, update_check.py), so nothing
    is confirmed before it is stored."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox
        self.batching = False
        self.as_received: dict[int, dict[str, Any]] = {}  # filled by the getUpdates client
        self._collected: list[Update] = []
        self._storing: asyncio.Task[None] | None = None

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and self.batching:
            self._collected.append(item)
            if self._storing is None or self._storing.done():
                self._storing = asyncio.create_task(self._store_collected())
            return
        if isinstance(item, Update) and not await self.inbox.store(item):
            log.info("update %s arrived again; handled once", item.update_id)
            return
        await super().put(item)

    async def _store_collected(self) -> None:
        while self._collected:
            await asyncio.sleep(0)  # the rest of the answer's updates are put meanwhile
            batch, self._collected = self._collected, []
            new = await self.inbox.store_batch(batch, self.as_received)
            if len(new) < len(batch):
                log.info("%d updates arrived again; handled once", len(batch) - len(new))
            for update in new:
                await super().put(update)

    async def stored(self) -> None:
        """Wait until every update put so far is stored (and queued)."""
        while self._storing is not None and not self._storing.done():
            await asyncio.shield(self._storing)

    async def put_stored(self, item: object) -> None:
        """Queue an update taken from the inbox (stored already)."""
        await super().put(item)


class InboxUpdateProcessor(PerChatUpdateProcessor):
    """Each chat in order (as PerChatUpdateProcessor); an update is marked finished once
    handled, and a replayed update whose turn had committed gets `resume` instead."""

    def __init__(self, inbox: Inbox, resume: Resume) -> None:
        super().__init__()
        self.inbox = inbox
        self.resume = resume

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if isinstance(update, Update) and update.update_id in self.inbox.resuming:
            self.inbox.resuming.discard(update.update_id)
            if asyncio.iscoroutine(coroutine):
                coroutine.close()
            coroutine = self.resume(update)
        await super().do_process_update(update, coroutine)
        if isinstance(update, Update):
            try:
                await self.inbox.finish(update.update_id)
            except Exception as error:  # handled again after a restart, with a note
                log.warning("marking update %s finished failed: %s", update.update_id,
                            failure_name(error))  # fmt: skip


def resume_with_replies(adapter: TelegramAdapter, inbox: Inbox) -> Resume:
    """Tell the user their message was kept, then send what its committed turn answered
    (kept with the update in that turn's transaction); where an older row has none, where
    the conversation stands (/status)."""

    async def resume(update: Update) -> None:
        kept = inbox.kept_replies.pop(update.update_id, None)
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type != ChatType.PRIVATE:
            return
        bot = update.get_bot()
        assert isinstance(bot, ExtBot)
        await adapter.send_text(bot, chat.id, adapter.texts.resumed_after_restart)
        if kept is not None:
            await adapter.send_replies(bot, chat.id, replies_from_json(kept))
        else:
            await adapter.run_engine(bot, chat.id, user, Incoming(text="/status"))

    return resume


def use_inbox(
    builder: ApplicationBuilder, inbox: Inbox, adapter: TelegramAdapter
) -> ApplicationBuilder:  # type: ignore[type-arg]
    """Give the Application the storing update queue and the finishing update processor."""
    processor = inbox.processor(resume_with_replies(adapter, inbox))
    return builder.update_queue(InboxQueue(inbox)).concurrent_updates(processor)


def store_in_batches(application: Application, getupdates: object) -> None:  # type: ignore[type-arg]
    """Polling: the updates of one getUpdates answer are stored in one write, and the next
    getUpdates (which confirms them) waits until they are (InboxQueue)."""
    queue = application.update_queue
    if isinstance(queue, InboxQueue) and isinstance(getupdates, CheckedUpdatesRequest):
        queue.batching = True
        getupdates.before_each = queue.stored
        getupdates.as_received = queue.as_received
