"""Serving the dashboard with uvicorn: on its own (`redovisa web`), or beside the bot on
the bot's event loop (`redovisa telegram` with REDOVISA_WEB_URL), where the bot owns the
signals and stops the server through `stop`."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Iterator

import uvicorn

from bot.web.app import Dashboard
from bot.web.pages import ENVIRONMENT


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves SIGINT and SIGTERM to the program it runs inside."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def settle_after_start() -> None:
    """Compile every page template, then move everything alive out of the garbage
    collector's sight (as the bot does after its start): it lives as long as the process,
    and a full collection that walked it again took about 200 ms of a request at 2 000
    ärenden (bench/dashboard_bench.py) against about a millisecond afterwards."""
    for name in ENVIRONMENT.list_templates():
        ENVIRONMENT.get_template(name)
    gc.collect()
    gc.freeze()


def _config(dashboard: Dashboard, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        dashboard.app, host=host, port=port, log_level="warning", access_log=False,
        lifespan="on", proxy_headers=False, server_header=False,
    )  # fmt: skip


async def serve_beside(dashboard: Dashboard, host: str, port: int, stop: asyncio.Event) -> None:
    """Serve until `stop` is set, on the running loop."""
    server = _QuietServer(_config(dashboard, host, port))  # the bot freezes its start-up
    task = asyncio.create_task(server.serve())
    try:
        await stop.wait()
    finally:
        server.should_exit = True
        await task
        dashboard.close()


def serve_alone(dashboard: Dashboard, host: str, port: int) -> None:
    """Serve until Ctrl-C (uvicorn handles the signals)."""
    settle_after_start()
    try:
        uvicorn.Server(_config(dashboard, host, port)).run()
    finally:
        dashboard.close()
