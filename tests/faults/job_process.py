"""A worker that dies in the middle of a job: `python -m tests.faults.job_process URL MARKER`.

It claims the pending jobs and starts the first one's work, which writes MARKER and waits
to be killed (the documents half made, nothing sent, the job claimed).
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from bot.engine.messages import Reply
from bot.telegram.jobs import ClaimedJob, JobRunner, Work
from storage.db import create_db_engine


def main(database_url: str, marker: Path) -> None:
    sessions = sessionmaker(create_db_engine(database_url), expire_on_commit=False)

    def half_way(_job: ClaimedJob) -> list[Reply]:
        marker.write_text("rendering")
        time.sleep(3600)
        return []

    async def deliver(_recipient: str, _replies: list[Reply]) -> None:
        raise AssertionError("nothing is delivered by a worker that dies first")

    runner = JobRunner(sessions, {"documents": Work(half_way)}, lambda: datetime.now(UTC))
    asyncio.run(runner.run_once(deliver))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
