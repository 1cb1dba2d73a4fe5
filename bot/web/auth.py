"""Who is asking: Telegram's signed initData, one-time login links and the session cookie.

initData is checked as Telegram documents it for Mini Apps: the data-check-string (every
field but `hash`, sorted by name, `name=value` joined by newlines) signed with HMAC-SHA256
under the key HMAC-SHA256(key="WebAppData", msg=bot token); `auth_date` no older than
MAX_INIT_AGE. A session is a signed cookie value naming the user and when it ends; it is
never trusted past its end or for a user who is no longer a coordinator (the caller looks
the user up on every request).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode

MAX_INIT_AGE = timedelta(hours=1)
FUTURE_SLACK = timedelta(minutes=1)  # a client clock a little ahead is not a forgery
SESSION_LENGTH = timedelta(minutes=30)
LOGIN_LINK_LENGTH = timedelta(minutes=10)
MAX_INIT_DATA = 4096


class NotAuthenticated(Exception):
    """The request does not prove who sent it (forged, expired, another bot's, malformed)."""


@dataclass(frozen=True)
class TelegramLogin:
    """Who Telegram says opened the Mini App."""

    telegram_user_id: int
    first_name: str

    @property
    def external_id(self) -> str:
        return f"telegram:{self.telegram_user_id}"


def init_data_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def sign_init_data(fields: dict[str, str], bot_token: str) -> str:
    """initData as Telegram would send it (for tests and the bench): fields and their hash."""
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    digest = hmac.new(init_data_key(bot_token), check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def verify_init_data(init_data: str, bot_token: str, now: datetime) -> TelegramLogin:
    """The user of valid initData; NotAuthenticated for anything else."""
    if not init_data or len(init_data) > MAX_INIT_DATA:
        raise NotAuthenticated("initData saknas eller är för lång")
    pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=False)
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise NotAuthenticated("ett fält står två gånger")
    given = fields.pop("hash", "")
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    expected = hmac.new(init_data_key(bot_token), check.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise NotAuthenticated("fel signatur")
    try:
        signed_at = datetime.fromtimestamp(int(fields["auth_date"]), now.tzinfo)
        user = json.loads(fields["user"])
        login = TelegramLogin(int(user["id"]), str(user.get("first_name", "")))
    except (KeyError, ValueError, TypeError, OverflowError, OSError) as exc:
        raise NotAuthenticated("ofullständig initData") from exc
    if signed_at < now - MAX_INIT_AGE or signed_at > now + FUTURE_SLACK:
        raise NotAuthenticated("initData är för gammal")
    return login


class SessionSigner:
    """Makes and reads session cookie values: user id, end time and a MAC over both."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, payload: str) -> str:
        digest = hmac.new(self._secret, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self, user_id: int, now: datetime) -> str:
        ends = int((now + SESSION_LENGTH).timestamp())
        payload = f"{user_id}.{ends}.{secrets.token_urlsafe(8)}"
        return f"{payload}.{self._mac(payload)}"

    def user_id(self, value: str | None, now: datetime) -> int | None:
        """The session's user, or None for a missing, altered or ended session."""
        if not value or value.count(".") != 3:
            return None
        payload, mac = value.rsplit(".", 1)
        if not hmac.compare_digest(mac.encode(), self._mac(payload).encode()):
            return None
        user, ends, _nonce = payload.split(".")
        if not (user.isdigit() and ends.isdigit()) or int(ends) < now.timestamp():
            return None
        return int(user)

    def form_token(self, session_value: str) -> str:
        """A token for the session's forms (a POST without it is not the page's own)."""
        return self._mac("form:" + session_value)

    def form_token_valid(self, session_value: str, token: str) -> bool:
        return hmac.compare_digest(token.encode(), self.form_token(session_value).encode())


class LoginLinks:
    """One-time login links for `redovisa web --open`: each works once, for ten minutes."""

    def __init__(self) -> None:
        self._links: dict[str, tuple[int, datetime]] = {}
        self._lock = threading.Lock()

    def create(self, user_id: int, now: datetime) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._links = {t: v for t, v in self._links.items() if v[1] > now}
            self._links[token] = (user_id, now + LOGIN_LINK_LENGTH)
        return token

    def redeem(self, token: str, now: datetime) -> int | None:
        """The link's user, once; None for an unknown, used or expired link."""
        with self._lock:
            found = self._links.pop(token, None)
        if found is None or found[1] < now:
            return None
        return found[0]
