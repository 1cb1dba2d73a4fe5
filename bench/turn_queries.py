"""How many SQL statements one turn costs: one part of a long answer, and one /klar.

Counts every statement SQLAlchemy sends (the `before_cursor_execute` event) on a fresh
SQLite database, for an official who has answered the two short questions and is on the
first long one. Run: `.venv/bin/python -m bench.turn_queries`.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, UserRef
from bot.engine.texts import load_texts
from bot.mall.datafiles import PROMPTS_DIR
from bot.mall.template import load_catalog
from storage.db import open_database


def count_statements() -> dict[str, int]:
    with tempfile.TemporaryDirectory() as folder:
        engine, sessions = open_database(f"sqlite:///{Path(folder) / 'bench.db'}")
        catalog = load_catalog(PROMPTS_DIR / "templates")
        conversation = Conversation(
            sessions,
            catalog,
            load_texts(),
            lambda: datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
            access=AccessPolicy.open_to_all(),
        )
        user = UserRef("terminal:anna", "Anna")
        counter = {"n": 0}

        def count(*_args: Any) -> None:
            counter["n"] += 1

        def statements(text: str) -> int:
            counter["n"] = 0
            conversation.handle(user, Incoming(text=text, message_ref=None))
            return counter["n"]

        for text in ("/ny STK-2018-1307", "/mall mall-2019", "Kulturnämnden", "Ett namn"):
            conversation.handle(user, Incoming(text=text))
        event.listen(engine, "before_cursor_execute", count)
        results = {
            "answer part": statements("Första stycket om målet."),
            "/klar": statements("/klar"),
        }
        event.remove(engine, "before_cursor_execute", count)
        engine.dispose()
        return results


def main() -> None:
    for what, number in count_statements().items():
        print(f"{what}: {number} SQL statements")


if __name__ == "__main__":
    main()
