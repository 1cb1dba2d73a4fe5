"""The bot in a process of its own (tests/faults/bot_process.py), started, killed with
SIGKILL and started again, by the fault tests and by bench/kill_bench.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from tests.fakes.bot_api import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90.0


class BotProcess:
    """Starts, kills and restarts the bot process; each start waits until it polls."""

    def __init__(
        self,
        control: Path,
        database_url: str,
        api: FakeBotApi,
        users: Sequence[int] = (),
        inbox: bool = True,
        env: dict[str, str] | None = None,
    ) -> None:
        """`users`: Telegram ids let in (as administrators, so no invite is needed);
        `inbox` False runs the bot without the inbox (for comparison)."""
        self.users = list(users)
        self.inbox = inbox
        self.env = dict(env or {})
        self.control = control
        self.database_url = database_url
        self.api = api
        self.child: subprocess.Popen[bytes] | None = None
        self.starts = 0
        control.mkdir(parents=True, exist_ok=True)

    def start(self, webhook_port: int = 0, log_level: str = "INFO") -> None:
        """Start the bot (a webhook server on `webhook_port` when given); what it logs is
        appended to `self.log`."""
        for name in ("ready", "stopped"):
            (self.control / name).unlink(missing_ok=True)
        command = [sys.executable, "-m", "tests.faults.bot_process", str(self.control),
                   self.database_url, self.api.base_url, self.api.file_url, str(webhook_port)]  # fmt: skip
        with self.log.open("ab") as log:
            self.child = subprocess.Popen(
                command, cwd=ROOT, env=self.environment(log_level), stderr=log
            )
        self.starts += 1
        deadline = time.monotonic() + START_TIMEOUT
        while not (self.control / "ready").exists():
            if self.child.poll() is not None:
                raise RuntimeError(f"the bot process ended with {self.child.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError("the bot process did not start")
            time.sleep(0.05)

    @property
    def log(self) -> Path:
        return self.control / "bot.log"

    def environment(self, log_level: str) -> dict[str, str]:
        admins = ",".join(str(user) for user in self.users)
        return {
            **os.environ,
            "LOG_LEVEL": log_level,
            "TELEGRAM_ADMIN_IDS": admins,
            "REDOVISA_FAULTS_NO_INBOX": "0" if self.inbox else "1",
            **self.env,
        }

    def arm(self, point: str) -> None:
        (self.control / "arm").write_text(point)

    async def wait_stopped(self, timeout: float = 30.0) -> None:
        stopped = self.control / "stopped"
        await self.api.wait_for(stopped.exists, timeout, "the armed kill point")

    def kill(self) -> None:
        if self.child is not None and self.child.poll() is None:
            os.kill(self.child.pid, signal.SIGKILL)
            self.child.wait(10)
        self.child = None
        (self.control / "arm").unlink(missing_ok=True)
