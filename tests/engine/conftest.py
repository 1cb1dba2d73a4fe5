"""A conversation over a real database, and a small driver that talks to it like a user."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from bot.documents.importer import import_report
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, Reply, UserRef
from bot.engine.services import EngineServices, ImportedDraft
from bot.engine.texts import load_texts
from bot.mall.template import TemplateCatalog
from storage.db import SessionFactory
from storage.models import Answer, ConversationStateRow
from tests.conftest import MovableClock


@dataclass
class ChatUser:
    """One person writing to the engine; keeps what they were told."""

    conversation: Conversation
    ref: UserRef
    received: list[Reply] = field(default_factory=list)
    next_message_id: int = 1

    def say(self, text: str, message_ref: str | None = None) -> str:
        """Send one message and return all reply text as one string."""
        if message_ref is None:
            message_ref = str(self.next_message_id)
            self.next_message_id += 1
        replies = self.conversation.handle(self.ref, Incoming(text=text, message_ref=message_ref))
        self.received.extend(replies)
        return "\n".join(reply.plain_text for reply in replies)

    def edit(self, message_ref: str, text: str) -> str:
        replies = self.conversation.handle(
            self.ref, Incoming(text=text, message_ref=message_ref, edited=True)
        )
        return "\n".join(reply.plain_text for reply in replies)


@pytest.fixture
def conversation(
    session_factory: SessionFactory, catalog: TemplateCatalog, clock: MovableClock
) -> Conversation:
    return Conversation(
        session_factory, catalog, load_texts(), clock, access=AccessPolicy.open_to_all()
    )


@pytest.fixture
def anna(conversation: Conversation) -> ChatUser:
    return ChatUser(conversation, UserRef("terminal:anna", "Anna"))


@pytest.fixture
def bertil(conversation: Conversation) -> ChatUser:
    return ChatUser(conversation, UserRef("terminal:bertil", "Bertil"))


def database_snapshot(sessions: SessionFactory) -> tuple[list[tuple[object, ...]], list[object]]:
    """Every answer version and every conversation state, to show that nothing changed."""
    with sessions() as session:
        answers = [
            (a.case_id, a.question_key, a.version, a.text)
            for a in session.scalars(select(Answer).order_by(Answer.id))
        ]
        states = [s.state for s in session.scalars(select(ConversationStateRow))]
    return answers, states


ADMIN_ID = 1000  # the Telegram user id of the administrator of the `strict` engine


@pytest.fixture
def strict(
    session_factory: SessionFactory, catalog: TemplateCatalog, clock: MovableClock
) -> Conversation:
    """The engine as the program builds it: access closed but for one administrator."""
    return Conversation(
        session_factory,
        catalog,
        load_texts(),
        clock,
        access=AccessPolicy.from_admin_telegram_ids([ADMIN_ID]),
    )


def importing_conversation(
    sessions: SessionFactory, catalog: TemplateCatalog, clock: MovableClock
) -> Conversation:
    """An engine that reads drafts in (a pasted report, a file), open to everyone."""

    def importer(filename: str, data: bytes) -> ImportedDraft:
        report = import_report(filename, data, catalog)
        return ImportedDraft(
            report.template_id,
            dict(report.answers),
            report.case_number,
            tuple(report.unassigned_text),
        )

    return Conversation(
        sessions,
        catalog,
        load_texts(),
        clock,
        EngineServices(importer=importer),
        access=AccessPolicy.open_to_all(),
    )


@pytest.fixture
def sqlite_conversation(
    sqlite_session_factory: SessionFactory, catalog: TemplateCatalog, clock: MovableClock
) -> Conversation:
    return importing_conversation(sqlite_session_factory, catalog, clock)


@pytest.fixture
def olle(sqlite_conversation: Conversation) -> ChatUser:
    return ChatUser(sqlite_conversation, UserRef("terminal:olle", "Olle"))
