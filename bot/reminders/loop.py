"""The reminder job's heartbeat inside the running bot: send what is due, wait, repeat."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from bot.reminders.service import ReminderJob, send_all_due_reminders

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 60.0


async def run_reminder_loop(
    job: ReminderJob, stop: asyncio.Event, interval_seconds: float = DEFAULT_INTERVAL_SECONDS
) -> None:
    """Send due reminders until `stop` is set; the first round catches up on what fell due
    while the bot was down. A failing round is logged and the next one tries again."""
    while not stop.is_set():
        try:
            report = await send_all_due_reminders(job)
            if report.messages:
                log.info("reminders: %s messages for %s reminders", report.messages, report.claimed)
        except Exception:  # the bot must keep running; the rows stay claimable
            log.exception("reminder round failed")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
