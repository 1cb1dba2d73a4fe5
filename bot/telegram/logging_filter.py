"""What the libraries log about updates is kept out of the logs, and a passing Bot API
failure is one line.

At DEBUG python-telegram-bot logs every Bot API call with its parameters and its result
(whole updates, with what the users wrote, and every reply the bot sends), the Application
logs each update it processes, and httpx/httpcore log the traffic. None of that may reach a
log at any level, so these loggers are held at INFO or above whatever LOG_LEVEL says, and a
filter on each of them drops what slips below and shortens network failures: a 502 or a
time-out from the Bot API is a one-line warning, not an error with a traceback, and
python-telegram-bot's message about an update it could not parse (which quotes the whole
update at CRITICAL) becomes a warning that quotes nothing.
"""

from __future__ import annotations

import json
import logging

from telegram.error import NetworkError, TelegramError

log = logging.getLogger(__name__)

QUIET_LIBRARIES = ("telegram", "httpx", "httpcore", "hpack", "tornado")
# python-telegram-bot's own words for an update it could not parse, which it follows with
# the whole update; the record is rewritten without it.
UNPARSABLE_MARKS = ("Received data was", "Can not load invalid JSON data")


class KeepUpdatesOut(logging.Filter):
    """Drop a library's DEBUG records; turn a logged network failure into a short warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO:
            return False
        error = record.exc_info[1] if record.exc_info else None
        if any(mark in str(record.msg) for mark in UNPARSABLE_MARKS):
            self._shorten(record, "an update could not be parsed; what it said is not logged")
        elif isinstance(error, json.JSONDecodeError):
            # A proxy's error page (a 502) where the Bot API's JSON was expected; PTB goes on
            # to raise a NetworkError, which is retried. The page itself is not logged.
            self._shorten(record, "the Bot API answered with something other than JSON")
        elif isinstance(error, NetworkError):
            self._shorten(record, f"{record.getMessage()} ({error})")
        return True

    @staticmethod
    def _shorten(record: logging.LogRecord, message: str) -> None:
        record.msg, record.args = message, None
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        record.levelno, record.levelname = logging.WARNING, "WARNING"


_FILTER = KeepUpdatesOut()


def keep_updates_out_of_logs() -> None:
    """Hold the libraries' loggers at INFO or above and filter each of them (a filter on a
    logger sees only that logger's own records, so every one known by now gets it)."""
    for name in QUIET_LIBRARIES:
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:  # NOTSET (inherits LOG_LEVEL) or DEBUG
            logger.setLevel(logging.INFO)
    for name in list(logging.root.manager.loggerDict):
        if any(name == top or name.startswith(top + ".") for top in QUIET_LIBRARIES):
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)


def warn_in_one_line(error: TelegramError) -> None:
    """The Updater's error callback: getUpdates failed and will be tried again."""
    log.warning("getUpdates failed, trying again: %s", error)
