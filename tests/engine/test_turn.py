"""One input reads the report once: the current answers are loaded once per turn and read
again only after an answer is saved; a port the installation left out is named."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.messages import UserRef
from bot.engine.texts import load_texts
from bot.mall.template import TemplateCatalog
from storage.db import SessionFactory
from tests.conftest import MovableClock
from tests.engine.conftest import ChatUser


@contextmanager
def statements_on(sessions: SessionFactory) -> Iterator[list[str]]:
    """Every SQL statement sent while the block runs."""
    engine: Engine = sessions.kw["bind"]
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def reads_of_answers(statements: list[str]) -> int:
    """Reads of the stored answers themselves (not the version number a save looks up)."""
    return sum(1 for s in statements if s.startswith("SELECT answers.id"))


def on_first_long_question(anna: ChatUser) -> None:
    anna.say("/ny STK-2018-1307")
    anna.say("/mall mall-2019")
    anna.say("Kulturnämnden")
    anna.say("Ett utvecklingsarbete")


def test_a_part_of_a_long_answer_reads_no_answers(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    on_first_long_question(anna)
    with statements_on(session_factory) as seen:
        assert "del 1" in anna.say("Första stycket.")
    assert reads_of_answers(seen) == 0


def test_klar_reads_the_answers_once_after_saving_and_shows_the_saved_answer(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    on_first_long_question(anna)
    anna.say("Första stycket.")
    with statements_on(session_factory) as seen:
        assert "Fråga 4 av 8" in anna.say("/klar")
    assert reads_of_answers(seen) == 1
    # The read after the save is what the draft shows: the new answer is in it.
    assert "Första stycket." in anna.say("/utkast")


def test_without_review_and_document_ports_the_official_is_told_they_are_not_running(
    session_factory: SessionFactory, catalog: TemplateCatalog, clock: MovableClock
) -> None:
    conversation = Conversation(
        session_factory, catalog, load_texts(), clock, access=AccessPolicy.open_to_all()
    )
    anna = ChatUser(conversation, UserRef("terminal:anna", "Anna"))
    on_first_long_question(anna)
    review = anna.say("/granska")
    assert "Granskar ärende STK-2018-1307" in review
    assert "Granskningen är inte igång" in review
    assert "Dokumentframställningen är inte igång" in anna.say("/dokument")
