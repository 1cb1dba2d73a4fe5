"""Serving the dashboard with uvicorn: on its own (`redovisa web`), or beside the bot on
the bot's event loop (`redovisa telegram` with REDOVISA_WEB_URL), where the bot owns the
signals and stops the server through `stop`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import uvicorn

from bot.web.app import Dashboard


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves SIGINT and SIGTERM to the program it runs inside."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _config(dashboard: Dashboard, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        dashboard.app, host=host, port=port, log_level="warning", access_log=False,
        lifespan="on", proxy_headers=False, server_header=False,
    )  # fmt: skip


async def serve_beside(dashboard: Dashboard, host: str, port: int, stop: asyncio.Event) -> None:
    """Serve until `stop` is set, on the running loop."""
    server = _QuietServer(_config(dashboard, host, port))
    task = asyncio.create_task(server.serve())
    try:
        await stop.wait()
    finally:
        server.should_exit = True
        await task
        dashboard.close()


def serve_alone(dashboard: Dashboard, host: str, port: int) -> None:
    """Serve until Ctrl-C (uvicorn handles the signals)."""
    try:
        uvicorn.Server(_config(dashboard, host, port)).run()
    finally:
        dashboard.close()
