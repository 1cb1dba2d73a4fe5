"""The bot as production runs it (bot.app.assemble, the inbox, polling or a webhook), in a
process of its own that a fault test or the kill benchmark can SIGKILL.

    python -m tests.faults.bot_process CONTROL_DIR DATABASE_URL BASE_URL FILE_URL [WEBHOOK_PORT]

It writes CONTROL_DIR/ready once it receives updates. A kill point is armed by writing its
name to CONTROL_DIR/arm before the message it should stop in is sent (the file is taken
away when the point is reached, and CONTROL_DIR/stopped written):
- `in_turn`: the turn stops at its COMMIT (the delivery claimed, the answer written, not
  committed);
- `after_commit`: the turn committed, its replies not yet sent.
The process then waits to be killed. REDOVISA_FAULTS_SLOW_TEXT (with
REDOVISA_FAULTS_SLOW_SECONDS) makes every turn on that exact text slow, in the turn.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Engine, event

from bot.app import assemble
from bot.config import Settings
from bot.engine.messages import Incoming, UserRef
from bot.engine.turn import Steps
from bot.telegram.app import TelegramBot
from bot.telegram.handlers import ConversationPort
from bot.telegram.shared_inbox import inbox_for

TOKEN = "123456789:AAFakeTokenForTheLocalServer_abcdefghij"


class KillPoints:
    """The engine, with the armed kill point reached inside `handle_in_steps`."""

    def __init__(self, engine: Any, sql: Engine, control: Path) -> None:
        self.engine = engine
        self.job_runner = engine.job_runner
        self.control = control
        self._blocking: int | None = None  # the thread whose next COMMIT stops dead
        event.listen(sql, "commit", self._on_commit)

    def _armed(self) -> str:
        arm = self.control / "arm"
        if not arm.exists():
            return ""
        point = arm.read_text().strip()
        arm.unlink()
        return point

    def _stop_dead(self) -> None:
        (self.control / "stopped").write_text("stopped")
        time.sleep(3600)

    def _on_commit(self, _connection: Any) -> None:
        # The turn commits on its own thread (PostgreSQL) or on SQLite's one writer thread
        # (storage/unit_of_work.py), which may commit it together with other writes.
        if self._blocking is not None and (
            self._blocking == threading.get_ident() or threading.current_thread().name == "writer"
        ):
            self._stop_dead()

    def handle(self, user: UserRef, incoming: Incoming) -> Any:
        steps = self.handle_in_steps(user, incoming)
        return [*steps.now, *steps.finish()]

    def handle_in_steps(self, user: UserRef, incoming: Incoming) -> Steps:
        slow = os.environ.get("REDOVISA_FAULTS_SLOW_TEXT")
        if slow and incoming.text == slow:  # slow work in the turn, holding the chat
            time.sleep(float(os.environ.get("REDOVISA_FAULTS_SLOW_SECONDS", "3")))
        point = self._armed()
        if point == "in_turn":
            self._blocking = threading.get_ident()
        steps: Steps = self.engine.handle_in_steps(user, incoming)
        if point == "after_commit":
            self._stop_dead()
        return steps


async def run(control: Path, database_url: str, base_url: str, file_url: str, port: int) -> None:
    options: dict[str, Any] = {}
    if port:
        options = {
            "telegram_webhook_url": f"http://127.0.0.1:{port}/telegram/hook",
            "telegram_webhook_listen": "127.0.0.1",
            "telegram_webhook_port": port,
            "telegram_webhook_secret": SecretStr("kill-test-secret"),
        }
    settings = Settings(
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_base_url=base_url,
        telegram_api_file_url=file_url,
        redovisa_data_dir=control,
        database_url=database_url,
        **options,
    )
    logging.basicConfig(  # as `redovisa telegram` does
        level=settings.resolved_log_level(service=True),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    assembly = assemble(settings)
    sql = assembly.sessions.kw["bind"]
    engine: ConversationPort = KillPoints(assembly.conversation, sql, control)
    # REDOVISA_FAULTS_NO_INBOX=1 runs without the inbox (the bench's comparison).
    without = os.environ.get("REDOVISA_FAULTS_NO_INBOX") == "1"
    instances = settings.telegram_instances  # TELEGRAM_INSTANCES from the environment
    retention = timedelta(days=settings.inbox_retention_days)
    inbox = None if without else inbox_for(instances, assembly.sessions, assembly.clock, retention)
    async with TelegramBot(settings, engine, inbox=inbox, typing_delay=5.0):
        logging.getLogger("tests.faults.bot_process").debug(
            "bot process %s receiving updates", os.getpid()
        )
        (control / "ready").write_text(str(os.getpid()))
        await asyncio.Event().wait()


if __name__ == "__main__":
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    arguments = sys.argv[1:]
    webhook_port = int(arguments[4]) if len(arguments) > 4 else 0
    asyncio.run(run(Path(arguments[0]), *arguments[1:4], webhook_port))
