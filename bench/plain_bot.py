"""The bot a developer would write first, for bench/telegram_bench.py to compare against.

A plain python-telegram-bot application with one message handler that stores each incoming
message in a SQLite file through SQLAlchemy, commits, and then replies. No conversation, no
mall, no review: only the unavoidable cost of "store it, then answer" with the same stack.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import BigInteger, DateTime, Text, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


class _Base(DeclarativeBase):
    pass


class ReceivedMessage(_Base):
    __tablename__ = "received_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def plain_bot_in(
    folder: Path, token: str
) -> Callable[[str, str], AbstractAsyncContextManager[None]]:
    """A factory of the plain bot, its SQLite file in `folder` (SQLite's default settings)."""

    @asynccontextmanager
    async def plain_bot(base_url: str, file_url: str) -> AsyncIterator[None]:
        engine = create_engine(f"sqlite:///{folder / 'plain.sqlite3'}")
        _Base.metadata.create_all(engine)

        async def store_and_reply(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            message = update.message
            assert message is not None and message.text is not None
            with Session(engine) as session:
                session.add(
                    ReceivedMessage(
                        chat_id=message.chat_id, text=message.text, received_at=datetime.now(UTC)
                    )
                )
                session.commit()
            await message.reply_text("Sparat.")

        application = (
            Application.builder().token(token).base_url(base_url).base_file_url(file_url).build()
        )
        application.add_handler(MessageHandler(filters.TEXT, store_and_reply))
        try:
            async with application:
                await application.start()
                assert application.updater is not None
                await application.updater.start_polling(timeout=30)
                try:
                    yield
                finally:
                    await application.updater.stop()
                    await application.stop()
        finally:
            engine.dispose()

    return plain_bot
