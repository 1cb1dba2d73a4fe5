"""A turn killed inside its transaction leaves nothing of itself, on SQLite and PostgreSQL.

The process is killed with SIGKILL after the delivery was claimed and the answer written
(both in savepoints), just before the commit. After the "restart" (a new engine on the
same database) nothing of the turn is there: no answer, no claim, the conversation still at
question 2; and the same delivery, sent again, is answered as if for the first time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming
from bot.engine.texts import load_texts
from bot.mall.template import TemplateCatalog
from storage.db import create_db_engine
from storage.models import Answer, ConversationStateRow, ProcessedUpdate
from tests.faults.turn_process import KILLED, USER, fixed_clock

ROOT = Path(__file__).resolve().parents[2]


def run_until_marker(database_url: str, marker: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.turn_process", database_url, str(marker)],
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the turn process ended before reaching its commit"
            assert time.monotonic() < deadline, "the turn process never reached its commit"
            time.sleep(0.02)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL


def test_killed_turn_leaves_nothing_stored(
    database_url: str, tmp_path: Path, catalog: TemplateCatalog
) -> None:
    run_until_marker(database_url, tmp_path / "marker")

    engine = create_db_engine(database_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    try:
        with sessions() as session:
            answers = session.scalars(select(Answer).order_by(Answer.id)).all()
            assert [(a.question_key, a.version) for a in answers] == [(answers[0].question_key, 1)]
            assert answers[0].text == "Stadsbyggnadsnämnden"
            claimed = session.scalars(select(ProcessedUpdate.update_id)).all()
            assert sorted(claimed) == [1, 2, 3]
            state = session.scalars(select(ConversationStateRow.state)).one()
            assert state["question_index"] == 1

        conversation = Conversation(
            sessions, catalog, load_texts(), fixed_clock, access=AccessPolicy.open_to_all()
        )
        delivery, text = KILLED
        replies = conversation.handle(USER, Incoming(text=text, delivery_id=delivery))
        told = "\n".join(r.plain_text for r in replies)
        assert "Fråga 3 av 8" in told, told
        with sessions() as session:
            versions = session.execute(select(Answer.question_key, Answer.version)).all()
            assert len(versions) == 2 and {v for _, v in versions} == {1}
    finally:
        engine.dispose()
