"""The thin handlers: turn an update into an engine call, send what comes back.

The engine is synchronous and writes every answer to the database before it returns, so
it runs off the event loop (handed to the database's writer when the engine offers
`handle_in_steps_soon`, else on a worker thread) while the loop goes on serving other
chats, and a "typing…" action is shown if it takes a moment. The update's id goes along as
`delivery_id`, so an update Telegram delivers twice is handled once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from concurrent.futures import Future as ConcurrentFuture
from contextlib import suppress
from typing import Any, Protocol

from telegram import InlineKeyboardMarkup, InputFile, LinkPreviewOptions, Message, Update
from telegram import User as TelegramUser
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.documents.file_reader import READ_AHEAD
from bot.engine.messages import Attachment, Incoming, IncomingFile, Reply, UserRef, say
from bot.engine.update_store import repair_text
from bot.mall.errors import UserFacingError
from bot.telegram.formatting import render
from bot.telegram.keyboards import (
    HASH_PREFIX,
    CallbackCommands,
    inline_keyboard,
    keyboard_after_press,
)
from bot.telegram.outbound import UncertainDelivery, download
from bot.telegram.texts import TelegramTexts, load_telegram_texts, unsupported

log = logging.getLogger(__name__)

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # the Bot API's getFile limit
TYPING_REFRESH_SECONDS = 4.5  # Telegram shows the action for five seconds
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Kinds of message the bot does not handle, in the order they are recognised (a venue also
# has a location; an animation also has a document).
UNSUPPORTED_KINDS = (
    "sticker", "photo", "voice", "video_note", "video", "audio", "animation",
    "venue", "location", "contact", "poll", "dice",
)  # fmt: skip

Bot = ExtBot[None]
Context = ContextTypes.DEFAULT_TYPE


class ConversationPort(Protocol):
    """What the adapter needs of the engine (`bot.engine.conversation.Conversation`)."""

    def handle(self, user: UserRef, incoming: Incoming) -> list[Reply]: ...


def user_ref(user: TelegramUser) -> UserRef:
    """Who wrote; a name with half an emoji in it is repaired (it is stored with the user)."""
    username = repair_text(user.username) if user.username else user.username
    return UserRef(
        external_id=f"telegram:{user.id}",
        display_name=repair_text(user.full_name),
        username=username,
    )


def normalize_command(text: str, bot_username: str | None) -> str:
    """`/ny@RedovisaBot STK-1` -> `/ny STK-1`: the engine sees commands without the bot's name."""
    if not text.startswith("/") or not bot_username:
        return text
    head, sep, rest = text.partition(" ")
    command, at, name = head.partition("@")
    if at and name.lower() == bot_username.lower():
        return command + sep + rest
    return text


def message_kind(message: Message) -> str | None:
    for kind in UNSUPPORTED_KINDS:
        if getattr(message, kind, None):
            return kind
    return None


class TelegramAdapter:
    """Registers the handlers on an Application and runs the engine for each update."""

    def __init__(
        self,
        conversation: ConversationPort,
        executor: Executor,
        slow_executor: Executor | None = None,
        *,
        commands: CallbackCommands | None = None,
        typing_delay: float = 0.2,
        texts: TelegramTexts | None = None,
    ) -> None:
        """`texts` None reads prompts/telegram.toml."""
        self.conversation = conversation
        self.texts = texts or load_telegram_texts()
        self.executor = executor
        # The quick database step runs on `executor`, sized to the database pool; slow work
        # (the language model, rendering) on its own pool so it never starves the quick one.
        self.slow_executor = slow_executor or executor
        self.commands = commands or CallbackCommands()
        self.typing_delay = typing_delay
        self._told_groups: set[int] = set()
        # Set by a bot with a job loop: the jobs a turn enqueued are handed to the loop, and
        # this wakes it once the turn's first replies are sent.
        self.jobs_waiting: Callable[[], None] | None = None

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        """Add the handlers and the error handler to `application`."""
        private = filters.ChatType.PRIVATE
        new = filters.UpdateType.MESSAGE
        document = filters.Document.ALL & ~filters.ANIMATION
        application.add_handlers(
            [
                MessageHandler(filters.ChatType.GROUPS, self.on_group_message),
                CallbackQueryHandler(self.on_button),
                MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, self.on_edit),
                MessageHandler(private & new & filters.TEXT, self.on_text),
                MessageHandler(private & new & document, self.on_file),
                MessageHandler(private & new, self.on_unsupported),
            ]
        )
        application.add_error_handler(self.on_error)

    # ------------------------------------------------------------------ handlers
    async def on_text(self, update: Update, context: Context) -> None:
        """Pass a text message or command to the engine."""
        message = update.effective_message
        assert message is not None and message.text is not None and message.from_user
        incoming = Incoming(
            text=normalize_command(message.text, context.bot.username),
            message_ref=str(message.message_id),
            delivery_id=update.update_id,
        )
        await self.run_engine(context.bot, message.chat_id, message.from_user, incoming)

    async def on_edit(self, update: Update, context: Context) -> None:
        """Pass an edited text message to the engine, which updates the answer it belongs to."""
        message = update.edited_message
        assert message is not None and message.from_user is not None
        if message.text is None:
            await self.send_text(context.bot, message.chat_id, self.texts.edit_not_text)
            return
        incoming = Incoming(
            text=normalize_command(message.text, context.bot.username),
            message_ref=str(message.message_id),
            edited=True,
            delivery_id=update.update_id,
        )
        await self.run_engine(context.bot, message.chat_id, message.from_user, incoming)

    async def on_button(self, update: Update, context: Context) -> None:
        """Answer the button press, take the keyboard away and send the button's command.

        A press counts only on a message the bot sent into the presser's own private chat,
        and only with data the bot made; anything else is answered with a short note and
        goes no further."""
        query = update.callback_query
        assert query is not None
        message = query.message  # an InaccessibleMessage when it is old: chat and id only
        own = (
            message is not None
            and message.chat.type == ChatType.PRIVATE
            and message.chat.id == query.from_user.id
            and not (
                isinstance(message, Message)
                and message.from_user is not None
                and message.from_user.id != context.bot.id
            )
        )
        command = self.commands.decode(query.data or "") if own else None
        note = None if command else self.texts.button_not_ours
        if not own:
            note = self.texts.button_other_chat
        with suppress(TelegramError):
            await query.answer(text=note)
        if not own or message is None:
            return
        chat_id = message.chat.id
        if isinstance(message, Message) and message.reply_markup:
            keep = keyboard_after_press(message.reply_markup, query.data or "", command)
            with suppress(TelegramError):
                await message.edit_reply_markup(reply_markup=keep)
        if command is None:
            if (query.data or "").startswith(HASH_PREFIX):  # ours, forgotten in a restart
                await self.send_text(context.bot, chat_id, self.texts.old_button)
            return
        incoming = Incoming(text=command, delivery_id=update.update_id)
        await self.run_engine(context.bot, chat_id, query.from_user, incoming)

    async def on_file(self, update: Update, context: Context) -> None:
        """Download a document (at most 20 MB) and pass it to the engine."""
        message = update.effective_message
        assert message is not None and message.document is not None and message.from_user
        document = message.document
        if not await self._may_send_files(message.from_user):
            # Nothing is downloaded: the engine answers as it answers anything from them.
            incoming = Incoming(delivery_id=update.update_id)
            await self.run_engine(context.bot, message.chat_id, message.from_user, incoming)
            return
        if document.file_size is not None and document.file_size > MAX_DOWNLOAD_BYTES:
            await self.send_text(context.bot, message.chat_id, self.texts.file_too_big)
            return
        try:
            data = await download(await document.get_file())
        except BadRequest as error:
            too_big = "too big" in str(error).lower()
            reply = self.texts.file_too_big if too_big else self.texts.file_unreadable
            await self.send_text(context.bot, message.chat_id, reply)
            return
        name = repair_text(document.file_name or "fil")
        # Read now, in a bounded worker process, while this chat waits and nobody else:
        # the turn's import then finds the text ready (bot/documents/file_reader.py).
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.slow_executor, READ_AHEAD.prepare, name, data)
        incoming = Incoming(
            text=repair_text(message.caption) if message.caption else None,
            file=IncomingFile(name, data),
            message_ref=str(message.message_id),
            delivery_id=update.update_id,
        )
        await self.run_engine(context.bot, message.chat_id, message.from_user, incoming)

    async def _may_send_files(self, user: TelegramUser) -> bool:
        """Whether the engine lets this user in (an engine that cannot say lets all in)."""
        has_access = getattr(self.conversation, "has_access", None)
        if has_access is None:
            return True
        loop = asyncio.get_running_loop()
        return bool(await loop.run_in_executor(self.executor, has_access, user_ref(user)))

    async def on_unsupported(self, update: Update, context: Context) -> None:
        """Explain, briefly, that this kind of message is not something the bot handles."""
        message = update.effective_message
        assert message is not None
        reply = unsupported(self.texts, message_kind(message))
        await self.send_text(context.bot, message.chat_id, reply)

    async def on_group_message(self, update: Update, context: Context) -> None:
        """Say once per group that the bot works in private chats; keep nothing from it."""
        chat = update.effective_chat
        assert chat is not None
        if chat.id in self._told_groups:
            return
        self._told_groups.add(chat.id)
        notice = self.texts.private_only.format(username=context.bot.username)
        await self.send_text(context.bot, chat.id, notice)

    async def on_error(self, update: object, context: Context) -> None:
        """Log the failure with the update's id and apologise to the user."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("handling update %s failed", update_id, exc_info=context.error)
        if not isinstance(update, Update):
            return
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        with suppress(TelegramError):
            await self.send_text(context.bot, chat.id, self.texts.apology)

    # ------------------------------------------------------------------ engine and replies
    async def run_engine(
        self, bot: Bot, chat_id: int, user: TelegramUser, incoming: Incoming
    ) -> None:
        """Call the engine on a worker thread, showing "typing…" if it takes a while.

        An engine that answers in steps (`handle_in_steps`) has its immediate replies sent
        first; its slow work (a language-model suggestion, a review, documents) follows.
        """
        in_steps = getattr(self.conversation, "handle_in_steps", None)
        if in_steps is None:
            replies = await self._on_worker(
                bot, chat_id, self.conversation.handle, user, incoming, self.slow_executor
            )
            await self.send_replies(bot, chat_id, replies)
            return
        soon = getattr(self.conversation, "handle_in_steps_soon", None)
        if soon is not None:  # the turn handed to the database's writer, nobody waiting
            steps = await self._typing_while(bot, chat_id, lambda: soon(user_ref(user), incoming))
        else:
            steps = await self._on_worker(bot, chat_id, in_steps, user, incoming, self.executor)
        if isinstance(steps, list):  # the engine refused the input with a message
            await self.send_replies(bot, chat_id, steps)
            return
        await self.send_replies(bot, chat_id, steps.now)
        if self.jobs_waiting is not None and steps.hand_over_jobs():
            self.jobs_waiting()
        if steps.jobs:  # no job loop here: the turn's jobs are done on a worker
            later = await self._on_worker(
                bot, chat_id, lambda *_: steps.finish(), user, incoming, self.slow_executor
            )
            await self.send_replies(bot, chat_id, later)

    async def _on_worker(
        self,
        bot: Bot,
        chat_id: int,
        work: Callable[[UserRef, Incoming], Any],
        user: TelegramUser,
        incoming: Incoming,
        executor: Executor,
    ) -> Any:
        return await self._typing_while(
            bot, chat_id, lambda: executor.submit(work, user_ref(user), incoming)
        )

    async def _typing_while(
        self, bot: Bot, chat_id: int, start: Callable[[], ConcurrentFuture[Any]]
    ) -> Any:
        """Await the engine's work that `start` begins; "typing…" is shown once it has taken
        `typing_delay` (a timer, not a task: most turns end well before it)."""
        loop = asyncio.get_running_loop()
        typing: list[asyncio.Task[None]] = []
        timer = loop.call_later(
            self.typing_delay,
            lambda: typing.append(loop.create_task(self._keep_typing(bot, chat_id))),
        )
        try:
            return await asyncio.wrap_future(start())
        except UserFacingError as error:
            return [say(error.message)]
        finally:
            timer.cancel()
            for task in typing:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task

    async def _keep_typing(self, bot: Bot, chat_id: int) -> None:
        while True:
            with suppress(TelegramError):
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(TYPING_REFRESH_SECONDS)

    async def send_replies(self, bot: Bot, chat_id: int, replies: list[Reply]) -> None:
        """Send each reply: its text in as many messages as it takes, the keyboard under the
        last one, then its attachments as documents."""
        for reply in replies:
            messages = render(reply)
            markup = inline_keyboard(reply.buttons, self.commands)
            for number, html in enumerate(messages, start=1):
                last = number == len(messages)
                await self._send_message(bot, chat_id, html, markup if last else None)
            if not messages and markup is not None:
                await self._send_message(bot, chat_id, "Välj:", markup)
            for attachment in reply.attachments:
                await self._send_document(bot, chat_id, attachment)

    async def send_text(self, bot: Bot, chat_id: int, text: str) -> None:
        """Send a plain text of the adapter's own (escaped like everything else)."""
        await self.send_replies(bot, chat_id, [say(text)])

    async def _send_message(
        self, bot: Bot, chat_id: int, html: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        try:
            await bot.send_message(
                chat_id,
                html,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )
        except Forbidden:
            log.info("chat %s has blocked the bot; message dropped", chat_id)
        except UncertainDelivery:
            pass  # logged by the outbound policy; the user's next step shows where they are

    async def _send_document(self, bot: Bot, chat_id: int, attachment: Attachment) -> None:
        document = InputFile(attachment.data, filename=attachment.filename)
        try:
            await bot.send_document(chat_id, document)
        except Forbidden:
            log.info("chat %s has blocked the bot; document dropped", chat_id)
        except UncertainDelivery:
            pass  # logged by the outbound policy; the user can ask for the document again
