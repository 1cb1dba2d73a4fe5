"""`redovisa telegram`: the python-telegram-bot Application on the engine.

Long polling by default; a webhook server when TELEGRAM_WEBHOOK_URL is set
(bot/telegram/webhook.py: a request without the secret token is refused with 403, one
that is not a valid update with 400, and neither reaches a handler or the database). TELEGRAM_API_BASE_URL and TELEGRAM_API_FILE_URL point the bot at a
self-hosted Bot API server, which is also how the tests reach their local fake.

Every Bot API call but getUpdates (replies, edits, documents, reminders, digests) passes
the Application's one `OutboundLimiter` (bot/telegram/outbound.py): Telegram's flood
limits and one retry policy, so no call site retries by itself.

Threads (the map of which thread runs what, and which writes the database). Every
transaction is a unit of work (storage/unit_of_work.py), the only code that opens a session;
on SQLite every write goes to the one "writer" thread, on PostgreSQL it runs on the thread
that asks for it:
- the event loop, one thread: polling or the webhook, the outbound limiter and every Bot
  API call, the reminder rounds' sending, and the dashboard's web server when
  REDOVISA_WEB_URL is set; it never touches the database: a turn, the storing of a
  getUpdates answer's updates and the finishing of an update are handed to the unit of work
  (`submit`) and awaited, nobody waiting on a thread (the reminder rounds' claims and
  records run on the loop's default executor);
- "writer" (SQLite only; started by the first write, gone after a second without one):
  runs every write, taking all that wait in one transaction, each in a savepoint of its
  own (group commit); a caller gets its result only after the COMMIT, so a turn's replies
  never leave before its answer is stored;
- "engine": on PostgreSQL the unit of work's threads, each turn one write (the answer, the
  state, the jobs it enqueues), several at once (on SQLite the writer runs the turn); and
  the adapter's (engine_threads_for) for the access check before a file is fetched;
- "slow" (SLOW_WORK_THREADS): the job loop's jobs (documents, review, a phrasing
  suggestion, the steps after the signature, the notice to a new responsible), each doing
  its slow part outside any transaction and finishing in a write of its own, and reading
  a sent file ahead (bot/documents/file_reader.py, in a child process with memory and time
  limits);
- "inbox": the inbox's rarer calls (bot/telegram/inbox.py), and on PostgreSQL a thread of
  the unit of work's for storing and finishing updates, never queued behind the turns;
- "lease" (storage/locks.py, with several instances on PostgreSQL): tries for a chat's
  lease without taking a place among the chats being worked on;
- "dashboard" (bot/web/app.py): the dashboard's reads, and its reminders' writes.

`TelegramBot` is what runs, in production and in the tests alike:

    async with TelegramBot(settings, conversation, reminders=reminders, inbox=inbox):
        ...  # polling (or serving the webhook) until the block ends
"""

from __future__ import annotations

import asyncio
import gc
import logging
import secrets
import signal
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, ApplicationBuilder
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.engine.parsing import COMMANDS
from bot.reminders.loop import run_reminder_loop
from bot.reminders.sender import Notifier
from bot.reminders.service import ReminderJob
from bot.telegram.chat_lock import PerChatUpdateProcessor
from bot.telegram.handlers import ConversationPort, TelegramAdapter
from bot.telegram.inbox import Inbox, store_in_batches, use_inbox
from bot.telegram.jobs import JobLoop, JobRunner, telegram_deliver
from bot.telegram.keyboards import CallbackCommands
from bot.telegram.logging_filter import keep_updates_out_of_logs, warn_in_one_line
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.outbound import Limits, OutboundLimiter, RetryPolicy, limits_from
from bot.telegram.texts import TelegramTexts, load_telegram_texts
from bot.telegram.update_check import CheckedUpdatesRequest
from bot.telegram.webhook import WebhookServer

log = logging.getLogger(__name__)

ConversationFactory = Callable[[], ConversationPort]
# Runs beside the bot on its loop until the event is set, sending through the bot's notifier
# (the dashboard, when REDOVISA_WEB_URL is set).
Beside = Callable[[Notifier, asyncio.Event], Coroutine[Any, Any, None]]
# Builds the reminder job once the bot is connected, around the notifier that sends with it.
ReminderJobFactory = Callable[[Notifier], ReminderJob]

ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
# The adapter's threads for the engine's reads, and for an engine that cannot hand its
# turns to the unit of work (the turns themselves go to the writer, or PostgreSQL's threads).
SQLITE_ENGINE_THREADS = 8
ENGINE_THREADS = 8
SLOW_WORK_THREADS = 64  # language-model calls and rendering, which mostly wait
# httpcore looks at every pooled connection on every request (is the socket readable,
# getpeername), so 256 connections made that scan the largest cost of the event loop;
# 32 requests in flight at once is more than Telegram's flood limits allow anyway.
CONNECTION_POOL_SIZE = 32
POLL_TIMEOUT_SECONDS = 30
WEBHOOK_TRIES = 3  # setWebhook at start
READ_TIMEOUT_SECONDS = 5.0  # PTB's default wait for an answer to an ordinary call
MISSING_TOKEN = (
    "TELEGRAM_BOT_TOKEN saknas. Skapa en bot hos @BotFather och sätt TELEGRAM_BOT_TOKEN, "
    "eller starta chatten i terminalen med `redovisa chat`."
)
UNREACHABLE = (
    "Kan inte nå Telegrams Bot API ({where}). Kontrollera nätverket och "
    "TELEGRAM_API_BASE_URL, och försök igen."
)
REFUSED_TOKEN = (
    "Telegram godtog inte TELEGRAM_BOT_TOKEN (fel eller återkallad token). "
    "Hämta en ny hos @BotFather."
)


class RedactToken(logging.Filter):
    """Replace the token wherever a log record would show it (PTB logs the Bot API URL,
    which contains the token, at DEBUG)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<TOKEN>"), None
        return True


def keep_token_out_of_logs(token: str) -> None:
    """httpx logs every request URL at INFO; it is set to WARNING. PTB's own loggers get a
    filter that redacts the token."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    redact = RedactToken(token)
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in _REDACTED]
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactToken) and f.token == token for f in logger.filters):
            logger.addFilter(redact)


_REDACTED = {"telegram", "httpx", "httpcore", "bot"}


def build_application(
    settings: Settings,
    adapter: TelegramAdapter,
    requests: tuple[HTTPXRequest, HTTPXRequest],
    limiter: OutboundLimiter | None = None,
    inbox: Inbox | None = None,
) -> Application:  # type: ignore[type-arg]
    """The Application, its handlers registered, pointed at the configured Bot API server.

    `requests` are the HTTP clients for ordinary calls and for getUpdates; every call but
    getUpdates passes `limiter` (one with Telegram's limits when None); with `inbox`, every
    update is stored before it is confirmed (bot/telegram/inbox.py)."""
    if settings.telegram_bot_token is None:
        raise SystemExit(MISSING_TOKEN)
    keep_token_out_of_logs(settings.telegram_bot_token.get_secret_value())
    keep_updates_out_of_logs()
    builder: ApplicationBuilder = (  # type: ignore[type-arg]
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .request(requests[0])
        .get_updates_request(requests[1])
        .rate_limiter(limiter or OutboundLimiter())
        .concurrent_updates(PerChatUpdateProcessor())
        .job_queue(None)
    )
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
    if settings.telegram_api_file_url:
        builder = builder.base_file_url(settings.telegram_api_file_url)
    if inbox is not None:
        builder = use_inbox(builder, inbox, adapter)
    application = builder.build()
    adapter.register(application)
    return application


def engine_threads_for(database_url: str) -> int:
    return SQLITE_ENGINE_THREADS if database_url.startswith("sqlite") else ENGINE_THREADS


class TelegramBot:
    """The running bot: start() connects and begins polling or serving the webhook."""

    def __init__(
        self,
        settings: Settings,
        conversation: ConversationPort,
        *,
        commands: Sequence[tuple[str, str]] = COMMANDS,
        engine_threads: int | None = None,
        typing_delay: float = 0.2,
        poll_timeout: int = POLL_TIMEOUT_SECONDS,
        reminders: ReminderJobFactory | None = None,
        reminder_interval: float = 60.0,
        texts: TelegramTexts | None = None,
        limits: Limits | None = None,
        retry: RetryPolicy | None = None,
        read_timeout: float = READ_TIMEOUT_SECONDS,
        inbox: Inbox | None = None,
        jobs: JobRunner | None = None,
        job_interval: float = 1.0,
        job_loop: bool = True,
    ) -> None:
        """`texts` are the adapter's own (prompts/telegram.toml, read here when None);
        `limits` and `retry` those of every outbound call (Telegram's when None); `inbox`
        stores each update before it is confirmed (the program always passes one); `jobs`
        runs the slow work the turns enqueue (the conversation's `job_runner` when None), in a
        loop beside the bot unless `job_loop` is False (a test that runs it by hand)."""
        self.settings = settings
        self.inbox = inbox
        self.jobs = (jobs or getattr(conversation, "job_runner", None)) if job_loop else None
        if self.jobs is not None and settings.telegram_instances > 1:
            self.jobs = self.jobs.shared()  # claims of a dead instance are taken over
        self.job_interval = job_interval
        self._job_loop: JobLoop | None = None
        self.reminders = reminders
        self.reminder_interval = reminder_interval
        self._reminder_stop = asyncio.Event()
        self._reminder_task: asyncio.Task[None] | None = None
        self.commands = commands
        self.poll_timeout = poll_timeout
        if engine_threads is None:
            engine_threads = engine_threads_for(settings.resolved_database_url())
        self.executor = ThreadPoolExecutor(engine_threads, thread_name_prefix="engine")
        self.slow_executor = ThreadPoolExecutor(SLOW_WORK_THREADS, thread_name_prefix="slow")
        self.adapter = TelegramAdapter(
            conversation,
            self.executor,
            self.slow_executor,
            typing_delay=typing_delay,
            texts=texts or load_telegram_texts(),
            commands=CallbackCommands.for_token(settings.telegram_bot_token),
        )
        self.requests = (
            HTTPXRequest(connection_pool_size=CONNECTION_POOL_SIZE, read_timeout=read_timeout),
            CheckedUpdatesRequest(connection_pool_size=1),  # a poison update moves aside
        )
        self._webhook: WebhookServer | None = None
        self.limiter = OutboundLimiter(limits or limits_from(settings), retry)
        self.application = build_application(
            settings, self.adapter, self.requests, self.limiter, inbox
        )

    async def start(self) -> None:
        """Check the token, register the commands, and start receiving updates."""
        application = self.application
        try:
            await application.initialize()
        except InvalidToken:
            # PTB's message repeats the token, so it is not chained; the clients are closed
            # here because an Application that failed to initialize does not shut down.
            await self._close_after_failed_start()
            raise SystemExit(REFUSED_TOKEN) from None
        except NetworkError:
            await self._close_after_failed_start()
            where = self.settings.telegram_api_base_url or "api.telegram.org"
            raise SystemExit(UNREACHABLE.format(where=urlsplit(where).netloc or where)) from None
        bot = application.bot
        commands = [BotCommand(name, description) for name, description in self.commands]
        await bot.set_my_commands(commands)
        if self.jobs is not None:
            self._job_loop = JobLoop(
                self.jobs,
                telegram_deliver(self.adapter, bot),
                self.job_interval,
                self.slow_executor,
            )
            self.adapter.jobs_waiting = self._job_loop.wake
            self._job_loop.start()
        await application.start()
        if self.inbox is not None:
            await self.inbox.replay(application)
        assert application.updater is not None
        settings = self.settings
        if settings.telegram_webhook_url:
            await self._start_webhook(settings)
        else:
            store_in_batches(application, self.requests[1])
            await application.updater.start_polling(
                timeout=self.poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
                bootstrap_retries=3,
                error_callback=warn_in_one_line,
            )
            log.info("polling for updates as @%s", bot.username)
        if self.reminders is not None:
            job = self.reminders(TelegramNotifier(bot))
            self._reminder_task = asyncio.create_task(
                run_reminder_loop(job, self._reminder_stop, self.reminder_interval)
            )

    async def _start_webhook(self, settings: Settings) -> None:
        """Serve the webhook (bot/telegram/webhook.py), then tell Telegram where it is."""
        given = settings.telegram_webhook_secret
        secret = (given.get_secret_value() if given else "") or secrets.token_urlsafe(32)
        url = settings.telegram_webhook_url
        assert url is not None
        self._webhook = WebhookServer(self.application, urlsplit(url).path, secret)
        self._webhook.start(settings.telegram_webhook_listen, settings.telegram_webhook_port)
        for attempt in range(WEBHOOK_TRIES):
            try:
                await self.application.bot.set_webhook(
                    url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
                )
                break
            except NetworkError:
                if attempt == WEBHOOK_TRIES - 1:
                    raise
                await asyncio.sleep(1.0)
        log.info("webhook server on %s:%s", settings.telegram_webhook_listen,
                 settings.telegram_webhook_port)  # fmt: skip

    async def _close_after_failed_start(self) -> None:
        await asyncio.gather(*(request.shutdown() for request in self.requests))
        self.executor.shutdown(wait=False)
        self.slow_executor.shutdown(wait=False)

    async def stop(self) -> None:
        """Stop receiving, finish the updates under way, and close the connections."""
        application = self.application
        if self._reminder_task is not None:
            self._reminder_stop.set()
            await self._reminder_task
        if self._job_loop is not None:
            await self._job_loop.stop()
        if self._webhook is not None:
            await self._webhook.stop()
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        self.executor.shutdown(wait=True)
        self.slow_executor.shutdown(wait=True)
        if self.inbox is not None:
            self.inbox.close()

    async def __aenter__(self) -> TelegramBot:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


async def serve(
    settings: Settings,
    conversation: ConversationPort,
    reminders: ReminderJobFactory | None = None,
    inbox: Inbox | None = None,
    beside: Beside | None = None,
) -> None:
    """Run the bot, the reminder job and `beside` (the dashboard), until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with TelegramBot(settings, conversation, reminders=reminders, inbox=inbox) as bot:
        task = None
        if beside is not None:
            task = asyncio.create_task(beside(TelegramNotifier(bot.application.bot), stop))
        freeze_startup_objects()
        await stop.wait()
        log.info("stopping")
        if task is not None:
            await task


def freeze_startup_objects() -> None:
    """Move everything alive after start-up (modules, the catalog, PTB's and SQLAlchemy's
    tables) out of the garbage collector's sight: it lives as long as the process, and a
    full collection that walked it again paused the event loop for 60-80 ms (the
    benchmark's p99); afterwards a full collection takes about a millisecond."""
    gc.collect()
    gc.freeze()


def run_telegram(
    settings: Settings,
    conversation_factory: ConversationFactory,
    reminders: ReminderJobFactory | None = None,
    inbox: Inbox | None = None,
    beside: Beside | None = None,
) -> None:
    """The `redovisa telegram` command: run the bot on the engine until stopped."""
    if settings.telegram_bot_token is None:
        raise SystemExit(MISSING_TOKEN)
    asyncio.run(serve(settings, conversation_factory(), reminders, inbox, beside))
