"""The webhook server: each request checked before anything is kept (bot/telegram/update_check).

python-telegram-bot's own webhook server answers a body that is not UTF-8 JSON with 500,
and logs an update it cannot parse with the whole body at CRITICAL. This one, a small
tornado server as python-telegram-bot's documentation suggests for a custom webhook,
answers at once:
- 403 without the secret token, or with a wrong one (compared in constant time);
- 400, logged as one warning line with the reason and never the body, when the body is
  not UTF-8, not JSON, not an object with an integer `update_id`, or not an update;
- 200 once the update is on the Application's queue, which stores it first
  (bot/telegram/inbox.py: an update that cannot be stored is moved aside, not retried
  forever).
"""

from __future__ import annotations

import hmac
import logging
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer

from bot.telegram.update_check import PoisonUpdate, parse_body

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # an update is a few kB; Telegram's largest well below this
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class UpdateHandler(tornado.web.RequestHandler):
    """POST of one update."""

    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, telegram_app: Application, secret: str) -> None:  # type: ignore[type-arg]
        self.application_ = telegram_app
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.send_error(HTTPStatus.FORBIDDEN)
            return
        try:
            data = parse_body(self.request.body)
        except PoisonUpdate as poison:
            log.warning("webhook request refused with 400: %s", poison.reason)
            self.send_error(HTTPStatus.BAD_REQUEST)
            return
        bot = self.application_.bot
        update = Update.de_json(data, bot)
        bot.insert_callback_data(update)
        await self.application_.update_queue.put(update)
        self.set_status(HTTPStatus.OK)
        self.finish()

    def log_exception(self, *_: Any) -> None:
        """Nothing of a request is logged by tornado (its body may hold what users wrote)."""


class WebhookServer:
    """Serves `path` on `listen:port` until stopped."""

    def __init__(self, application: Application, path: str, secret: str) -> None:  # type: ignore[type-arg]
        routes = [(rf"/{path.strip('/')}/?", UpdateHandler, {"telegram_app": application,
                                                             "secret": secret})]  # fmt: skip
        # No access log either: the refusal's own warning is its one line.
        self._app = tornado.web.Application(routes, log_function=lambda _handler: None)
        self._server: HTTPServer | None = None

    def start(self, listen: str, port: int) -> None:
        self._server = HTTPServer(self._app, max_body_size=MAX_BODY_BYTES, xheaders=True)
        self._server.listen(port, listen)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
