"""A process that runs turns of the conversation and stops dead inside the last one.

Run by the fault tests as `python -m tests.faults.turn_process DATABASE_URL MARKER`: it
starts a report and answers question 1 (three turns, committed as usual), then begins a
fourth turn, answering question 2, with a hook on the engine's COMMIT (SQLAlchemy's
`commit` connection event, fired just before the transaction's COMMIT is sent) that writes
MARKER and waits. Everything of that turn has been written to the database by then (the
delivery claimed and the answer inserted, each in a savepoint released since) but not
committed; the test kills the process there with SIGKILL.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

from bot.config import PROMPTS_DIR
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, UserRef
from bot.engine.texts import load_texts
from bot.mall.template import load_catalog
from storage.db import create_db_engine

CASE_NUMBER = "STK-2018-1307"
USER = UserRef("telegram:4242", "Anna Andersson")
SETUP = [(1, f"/ny {CASE_NUMBER}"), (2, "/mall mall-2019"), (3, "Stadsbyggnadsnämnden")]
KILLED = (4, "Jämlik stad i Malmö")


def fixed_clock() -> datetime:
    return datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def main(database_url: str, marker: Path) -> None:
    engine = create_db_engine(database_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    conversation = Conversation(
        sessions,
        load_catalog(PROMPTS_DIR / "templates"),
        load_texts(),
        fixed_clock,
        access=AccessPolicy.open_to_all(),
    )
    for delivery, text in SETUP:
        conversation.handle(USER, Incoming(text=text, delivery_id=delivery))

    def stop_dead(_connection: Any) -> None:
        marker.write_text("inside the turn's transaction")
        time.sleep(600)

    event.listen(engine, "commit", stop_dead)
    delivery, text = KILLED
    conversation.handle(USER, Incoming(text=text, delivery_id=delivery))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
