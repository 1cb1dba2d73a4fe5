"""A local Telegram Bot API server for tests and benchmarks.

It speaks the Bot API over real HTTP on 127.0.0.1, so python-telegram-bot runs against
it unpatched: point `base_url` at `server.base_url` and `base_file_url` at
`server.file_url`. It implements what the bot uses (getMe, getUpdates with long
polling, deleteWebhook, setWebhook, setMyCommands, sendMessage, editMessageText,
editMessageReplyMarkup, answerCallbackQuery, sendChatAction, sendDocument, getFile and
file download) and checks what a real server checks where a bug could hide: HTML that
Telegram would refuse to parse, text over 4096 characters, callback data over 64 bytes.

The server runs on its own thread with its own event loop. Tests push updates as a
Telegram client would (`server.private_chat(...)` gives a `FakeUser` that writes,
edits, presses buttons and sends stickers, photos, voice and files), read what the bot
sent (`server.messages(chat_id)`), and script failures (`server.fail_next(...)`,
`server.answer_late(...)`, `server.inject_faults(...)`). Every call's arrival is kept in
`server.arrivals`, with its time and the status it was answered with.
The waiting helpers are coroutines that poll, so they can run on the loop the bot runs on.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import re
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web

TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
DOWNLOAD_LIMIT = 20 * 1024 * 1024
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "Redovisa",
    "username": "redovisa_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
BAD_GATEWAY_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status and description."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class _TelegramHtml(HTMLParser):
    """Telegram's HTML parse mode, strictly: known tags, balanced, entities only where valid."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.visible: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise ApiError(
                400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"'
            )
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unexpected end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.visible.append(data)


_RAW_TEXT = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)|<(?!/?[a-zA-Z-]+[\s>/])")


def parse_html(text: str) -> str:
    """The visible text of `text` in HTML parse mode; ApiError where Telegram would refuse it."""
    bad = _RAW_TEXT.search(text)
    if bad:
        raise ApiError(
            400,
            "Bad Request: can't parse entities: "
            f"Unexpected {bad.group()!r} at byte offset {len(text[: bad.start()].encode())}",
        )
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise ApiError(400, "Bad Request: can't parse entities: Unclosed start tag")
    return "".join(parser.visible)


@dataclass
class SentMessage:
    """One message the bot sent (a text or a document), as it now stands after edits."""

    chat_id: int
    message_id: int
    text: str  # what the user sees (entities decoded, tags removed)
    html: str  # what the bot sent
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)  # (label, data)
    document: tuple[str, bytes] | None = None
    edits: int = 0
    sent_at: float = 0.0  # time.perf_counter() when it arrived

    @property
    def button_labels(self) -> list[str]:
        return [label for row in self.buttons for label, _ in row]

    def data_of(self, label: str) -> str:
        for row in self.buttons:
            for button_label, data in row:
                if button_label == label:
                    return data
        raise KeyError(f"no button {label!r} on message {self.message_id}: {self.buttons}")


@dataclass
class Arrival:
    """One Bot API call as the server saw it: when it arrived, and how it was answered."""

    at: float  # time.perf_counter()
    method: str
    chat_id: int | None
    text: str | None
    status: int = 0  # 0 while it is being answered


@dataclass
class Faults:
    """Faults on the calls that post messages: a share answered 502 (a proxy's page), a share
    answered 429 with `retry_after`. After a 429 Telegram refuses every message until the
    wait is over; a message that arrives before is refused again and counted as early.
    A message fails at most `per_message` times, so that each gets through in the end."""

    bad_gateway: float = 0.0
    flood: float = 0.0
    retry_after: int = 1
    per_message: int = 2
    seed: int = 15
    methods: frozenset[str] = frozenset({"sendMessage", "sendDocument"})


@dataclass
class _Failure:
    method: str | None
    status: int
    retry_after: int | None
    times: int


class FakeBotApi:
    """The server; use as a context manager (`with FakeBotApi(token) as server:`)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.port = 0
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._started = threading.Event()
        self._updates_changed: asyncio.Event | None = None
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._pending: list[dict[str, Any]] = []
        self._handed_out: set[int] = set()
        self._failures: list[_Failure] = []
        self._files: dict[str, tuple[str, bytes, int]] = {}  # file_id -> (path, data, size)
        self._messages: dict[int, list[SentMessage]] = {}
        self._http: ClientSession | None = None
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.commands: list[dict[str, str]] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.answered_callbacks: list[str] = []
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_deliveries: list[int] = []  # HTTP status of each delivery
        # A load balancer in front of several bot instances (`balance_webhooks`): each
        # update is posted, one at a time in order, to the next of these URLs, and to the
        # one after it when an instance does not answer 200.
        self.webhook_targets: list[str] = []
        self.webhook_routes: dict[int, str] = {}  # update_id -> the URL that took it
        self._webhook_turn = 0
        # Picks the instance (an index into webhook_targets) for an update; round robin
        # when None or when it answers None, and the next one when the picked one fails.
        self.webhook_router: Callable[[dict[str, Any]], int | None] | None = None
        self._balanced: asyncio.Queue[dict[str, Any]] | None = None
        self.pushed_at: dict[int, float] = {}  # update_id -> time.perf_counter()
        self.answered_at: dict[int, float] = {}  # update_id -> first reply after it
        self._last_update_from: dict[int, int] = {}  # chat_id -> newest update pushed
        self.on_answer: Callable[[int], None] | None = None  # called with the update_id
        # Called on the server's thread with every message the bot sends, as it arrives.
        self.on_message: Callable[[SentMessage], None] | None = None
        self.arrivals: list[Arrival] = []
        self.early: list[Arrival] = []  # messages that came while flood control was on
        self._late: dict[str, list[float]] = {}  # method -> delays of its next answers
        self._faults: Faults | None = None
        self._fault_random = random.Random(0)
        self._faults_of: dict[tuple[int | None, str | None], int] = {}
        self._flood_until = float("-inf")

    # ----------------------------------------------------------------- lifecycle
    def __enter__(self) -> FakeBotApi:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._serve, name="fake-bot-api", daemon=True)
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("the fake Bot API server did not start")

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = None

    def run_on_server(self, coroutine: Coroutine[Any, Any, Any]) -> Future[Any]:
        """Run `coroutine` on the server's own event loop (a load generator in a benchmark
        then pushes updates and sees replies without a second thread)."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    async def post_raw_to_webhook(
        self, body: bytes, *, secret: str | None = None, content_type: str = "application/json"
    ) -> tuple[int, float]:
        """POST `body` as it is to the webhook the bot set (with its secret unless `secret`
        is given), as a broken or hostile relay might; return (HTTP status, seconds)."""
        assert self.webhook_url is not None

        async def post() -> tuple[int, float]:
            assert self._http is not None and self.webhook_url is not None
            headers = {"Content-Type": content_type}
            token = self.webhook_secret if secret is None else secret
            if token:
                headers["X-Telegram-Bot-Api-Secret-Token"] = token
            started = time.perf_counter()
            async with self._http.post(self.webhook_url, data=body, headers=headers) as answer:
                return answer.status, time.perf_counter() - started

        return await asyncio.wrap_future(self.run_on_server(post()))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        loop.run_until_complete(self._startup())
        self._started.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _startup(self) -> None:
        self._updates_changed = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self._http = ClientSession(timeout=ClientTimeout(total=10))
        self._balanced = asyncio.Queue()
        self._balancer = asyncio.get_running_loop().create_task(self._balance_forever())

    async def _shutdown(self) -> None:
        self._balancer.cancel()
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ----------------------------------------------------------------- scripting
    def fail_next(
        self,
        method: str | None,
        status: int = 429,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` (any method when None) with an error.

        429 carries `parameters.retry_after`, as Telegram's flood control does; 502 answers
        with an HTML page, as a proxy in front of the server does.
        """
        with self._lock:
            self._failures.append(_Failure(method, status, retry_after, times))

    def answer_late(self, method: str, delay: float, times: int = 1) -> None:
        """Carry out the next `times` calls of `method` (a message is recorded as sent), but
        answer each only after `delay` seconds, as when the answer is lost on the way."""
        with self._lock:
            self._late.setdefault(method, []).extend([delay] * times)

    def inject_faults(self, faults: Faults | None) -> None:
        """Answer a share of the message calls with 502 or 429 from now on (None: stop)."""
        with self._lock:
            self._faults = faults
            self._fault_random = random.Random(faults.seed if faults else 0)

    def balance_webhooks(self, urls: list[str]) -> None:
        """Deliver every update from now on through a load balancer over `urls` (the
        webhook URL each instance sets is then only where its secret comes from)."""
        with self._lock:
            self.webhook_targets = list(urls)

    def push_update(self, payload: dict[str, Any], update_id: int | None = None) -> int:
        """Make an update available to getUpdates (or POST it to the webhook); return its id.

        Passing an `update_id` that was delivered before simulates Telegram delivering the
        same update again (after a crash, or a webhook retry).
        """
        with self._lock:
            if update_id is None:
                update_id = next(self._update_ids)
            update = {"update_id": update_id, **payload}
            self.pushed_at.setdefault(update_id, time.perf_counter())
            chat_id = _chat_of(update)
            if chat_id is not None:
                self._last_update_from[chat_id] = update_id
            self._pending.append(update)
            self._handed_out.discard(update_id)
            webhook = self.webhook_url
            balanced = bool(self.webhook_targets)
        loop = self._loop
        assert loop is not None
        if balanced:
            assert self._balanced is not None
            loop.call_soon_threadsafe(self._balanced.put_nowait, update)
        elif webhook:
            asyncio.run_coroutine_threadsafe(self._deliver_to_webhook(update), loop)
        else:
            assert self._updates_changed is not None
            loop.call_soon_threadsafe(self._updates_changed.set)
        return update_id

    def private_chat(self, user_id: int, first_name: str = "Test", last_name: str = "") -> FakeUser:
        return FakeUser(self, {"id": user_id, "type": "private", "first_name": first_name},
                        _user(user_id, first_name, last_name))  # fmt: skip

    def group_chat(self, chat_id: int, member: FakeUser, title: str = "Förvaltningen") -> FakeUser:
        """The same person writing in a group (`chat_id` negative)."""
        return FakeUser(self, {"id": chat_id, "type": "group", "title": title}, member.user)

    def add_file(self, data: bytes, *, size: int | None = None, path: str = "documents") -> str:
        """Store a file a user uploads; return its file_id. `size` may claim more than len(data)."""
        with self._lock:
            number = next(self._file_ids)
            file_id = f"FILE{number:06d}"
            self._files[file_id] = (
                f"{path}/file_{number}",
                data,
                len(data) if size is None else size,
            )
            return file_id

    def next_message_id(self, chat_id: int) -> int:
        with self._lock:
            return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    # ----------------------------------------------------------------- reading
    def messages(self, chat_id: int) -> list[SentMessage]:
        with self._lock:
            return list(self._messages.get(chat_id, []))

    def all_messages(self) -> list[SentMessage]:
        with self._lock:
            return [m for chat in self._messages.values() for m in chat]

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [params for name, params in self.calls if name == method]

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._pending)

    async def wait_for(
        self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition"
    ) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
            await asyncio.sleep(0.005)

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[SentMessage]:
        """Wait until the bot has sent at least `count` messages to the chat in all."""
        await self.wait_for(
            lambda: len(self.messages(chat_id)) >= count,
            timeout,
            f"{count} messages in chat {chat_id} (have {len(self.messages(chat_id))})",
        )
        return self.messages(chat_id)

    # ----------------------------------------------------------------- HTTP
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        params = await _read_params(request)
        chat = params.get("chat_id")
        arrival = Arrival(time.perf_counter(), method, int(chat) if chat is not None else None,
                          str(params["text"]) if "text" in params else None)  # fmt: skip
        response = await self._answer(method, params, arrival)
        arrival.status = response.status
        return response

    async def _answer(self, method: str, params: dict[str, Any], arrival: Arrival) -> web.Response:
        with self._lock:
            self.arrivals.append(arrival)
            self.calls.append((method, {k: v for k, v in params.items() if k != "document"}))
            failure = self._take_failure(method) or self._injected_fault(arrival)
            late = self._late.get(method)
            delay = late.pop(0) if late else None
        if failure is not None:
            if failure.status == 502:
                return web.Response(status=502, body=BAD_GATEWAY_PAGE, content_type="text/html")
            description = f"Too Many Requests: retry after {failure.retry_after}"
            if failure.status != 429:
                description = f"Error {failure.status}"
            return _error(ApiError(failure.status, description, failure.retry_after))
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return _error(ApiError(404, "Not Found"))
        try:
            result = await handler(params)
        except ApiError as exc:
            return _error(exc)
        if delay is not None:
            await asyncio.sleep(delay)
        return web.json_response({"ok": True, "result": result})

    def _injected_fault(self, arrival: Arrival) -> _Failure | None:
        """The fault `inject_faults` gives this call, if any (under the lock)."""
        faults = self._faults
        if faults is None or arrival.method not in faults.methods:
            return None
        if arrival.at < self._flood_until:
            self.early.append(arrival)
            wait = max(1, int(self._flood_until - arrival.at + 0.999))
            return _Failure(arrival.method, 429, wait, 1)
        key = (arrival.chat_id, arrival.text)
        if self._faults_of.get(key, 0) >= faults.per_message:
            return None
        draw = self._fault_random.random()
        if draw < faults.flood:
            self._flood_until = arrival.at + faults.retry_after
            failure = _Failure(arrival.method, 429, faults.retry_after, 1)
        elif draw < faults.flood + faults.bad_gateway:
            failure = _Failure(arrival.method, 502, None, 1)
        else:
            return None
        self._faults_of[key] = self._faults_of.get(key, 0) + 1
        return failure

    def _take_failure(self, method: str) -> _Failure | None:
        for failure in self._failures:
            if failure.method in (None, method):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        with self._lock:
            for stored_path, data, _ in self._files.values():
                if stored_path == path:
                    return web.Response(body=data, content_type="application/octet-stream")
        return web.Response(status=404)

    async def _deliver_to_webhook(self, update: dict[str, Any]) -> None:
        assert self._http is not None and self.webhook_url is not None
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        async with self._http.post(self.webhook_url, data=json.dumps(update), headers=headers) as r:
            status = r.status
        with self._lock:
            self.webhook_deliveries.append(status)
            if 200 <= status < 300 and update in self._pending:
                self._pending.remove(update)

    async def _balance_forever(self) -> None:
        assert self._balanced is not None
        while True:
            update = await self._balanced.get()
            with contextlib.suppress(Exception):
                await self._deliver_balanced(update)

    async def _deliver_balanced(self, update: dict[str, Any]) -> None:
        assert self._http is not None
        failures = 0
        router = self.webhook_router
        picked = router(update) if router is not None else None
        while True:
            with self._lock:
                if picked is not None and not failures:
                    turn = picked
                else:
                    turn = self._webhook_turn
                    self._webhook_turn += 1
                url = self.webhook_targets[turn % len(self.webhook_targets)]
                secret = self.webhook_secret
            headers = {"Content-Type": "application/json"}
            if secret:
                headers["X-Telegram-Bot-Api-Secret-Token"] = secret
            try:
                async with self._http.post(url, data=json.dumps(update), headers=headers) as r:
                    status = r.status
            except (TimeoutError, OSError, ClientError):
                status = 0  # the instance is gone: the balancer tries the next one
            with self._lock:
                self.webhook_deliveries.append(status)
                if 200 <= status < 300:
                    self.webhook_routes[update["update_id"]] = url
                    if update in self._pending:
                        self._pending.remove(update)
                    return
            failures += 1
            await asyncio.sleep(min(0.05 * failures, 1.0))

    # ----------------------------------------------------------------- methods
    async def _m_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    async def _m_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        allowed = params.get("allowed_updates") or None
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        deadline = time.monotonic() + timeout
        assert self._updates_changed is not None
        while True:
            self._updates_changed.clear()
            with self._lock:
                # Updates handed out before and now below the offset are confirmed.
                self._pending = [
                    u for u in self._pending
                    if not (u["update_id"] in self._handed_out and u["update_id"] < offset)
                ]  # fmt: skip
                # As Telegram does, an update handed out but never confirmed is handed out
                # again to a getUpdates whose offset is not past it (a restarted bot).
                batch = [
                    u for u in self._pending
                    if u["update_id"] not in self._handed_out or u["update_id"] >= offset
                ]  # fmt: skip
                if allowed:
                    batch = [u for u in batch if set(u) & set(allowed) or len(u) == 1]
                batch = batch[:limit]
                self._handed_out.update(u["update_id"] for u in batch)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0:
                return batch
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._updates_changed.wait(), remaining)

    async def _m_deletewebhook(self, params: dict[str, Any]) -> bool:
        with self._lock:
            self.webhook_url = None
            self.webhook_secret = None
            if _truthy(params.get("drop_pending_updates")):
                self._pending.clear()
        return True

    async def _m_setwebhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url") or ""
        with self._lock:
            self.webhook_url = url or None
            self.webhook_secret = params.get("secret_token") or None
            pending = list(self._pending) if url else []
            balanced = bool(self.webhook_targets)
        for update in pending:
            if balanced:
                assert self._balanced is not None
                self._balanced.put_nowait(update)
            else:
                asyncio.get_running_loop().create_task(self._deliver_to_webhook(update))
        return True

    async def _m_setmycommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or not commands:
            raise ApiError(400, "Bad Request: commands must be a non-empty list")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        with self._lock:
            self.commands = commands
        return True

    async def _m_sendchataction(self, params: dict[str, Any]) -> bool:
        with self._lock:
            self.chat_actions.append((int(params["chat_id"]), str(params.get("action"))))
        return True

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> bool:
        with self._lock:
            self.answered_callbacks.append(str(params["callback_query_id"]))
        return True

    async def _m_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        raw = str(params.get("text") or "")
        visible = _visible(raw, params.get("parse_mode"))
        buttons = _buttons(params.get("reply_markup"))
        message = SentMessage(chat_id, self.next_message_id(chat_id), visible, raw, buttons)
        self._record(message)
        return self._message_json(message)

    async def _m_senddocument(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        document = params.get("document")
        if not isinstance(document, tuple):
            raise ApiError(400, "Bad Request: there is no document in the request")
        caption_raw = str(params.get("caption") or "")
        caption = _visible(caption_raw, params.get("parse_mode"), allow_empty=True)
        message = SentMessage(
            chat_id, self.next_message_id(chat_id), caption, caption_raw,
            _buttons(params.get("reply_markup")), document=document,
        )  # fmt: skip
        file_id = self.add_file(document[1], path="documents")
        self._record(message)
        result = self._message_json(message)
        result["document"] = {
            "file_id": file_id,
            "file_unique_id": "U" + file_id,
            "file_name": document[0],
            "file_size": len(document[1]),
        }
        return result

    async def _m_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find(params)
        raw = str(params.get("text") or "")
        visible = _visible(raw, params.get("parse_mode"))
        buttons = _buttons(params.get("reply_markup"))
        with self._lock:
            if raw == message.html and buttons == message.buttons:
                raise ApiError(400, "Bad Request: message is not modified")
            message.text, message.html, message.buttons = visible, raw, buttons
            message.edits += 1
        return self._message_json(message)

    async def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find(params)
        buttons = _buttons(params.get("reply_markup"))
        with self._lock:
            if buttons == message.buttons:
                raise ApiError(400, "Bad Request: message is not modified")
            message.buttons = buttons
            message.edits += 1
        return self._message_json(message)

    async def _m_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id"))
        with self._lock:
            stored = self._files.get(file_id)
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, _, size = stored
        if size > DOWNLOAD_LIMIT:
            raise ApiError(400, "Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": "U" + file_id, "file_size": size,
                "file_path": path}  # fmt: skip

    # ----------------------------------------------------------------- helpers
    def _record(self, message: SentMessage) -> None:
        message.sent_at = time.perf_counter()
        with self._lock:
            self._messages.setdefault(message.chat_id, []).append(message)
            last = self._last_update_from.get(message.chat_id)
            first_answer = last is not None and last not in self.answered_at
            if last is not None:
                self.answered_at.setdefault(last, message.sent_at)
        if first_answer and last is not None and self.on_answer is not None:
            self.on_answer(last)
        if self.on_message is not None:
            self.on_message(message)

    def _find(self, params: dict[str, Any]) -> SentMessage:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        with self._lock:
            for message in self._messages.get(chat_id, []):
                if message.message_id == message_id:
                    return message
        raise ApiError(400, "Bad Request: message to edit not found")

    def _message_json(self, message: SentMessage) -> dict[str, Any]:
        result: dict[str, Any] = {
            "message_id": message.message_id,
            "from": BOT_USER,
            "chat": {"id": message.chat_id, "type": "private" if message.chat_id > 0 else "group"},
            "date": int(time.time()),
        }
        if message.document is None:
            result["text"] = message.text
        elif message.text:
            result["caption"] = message.text
        if message.buttons:
            result["reply_markup"] = {
                "inline_keyboard": [
                    [_button_json(label, data) for label, data in row] for row in message.buttons
                ]
            }
        return result


class FakeUser:
    """A Telegram client in one chat: what it does becomes updates on the server."""

    def __init__(self, server: FakeBotApi, chat: dict[str, Any], user: dict[str, Any]) -> None:
        self.server = server
        self.chat = chat
        self.user = user
        self._read = 0

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": self.server.next_message_id(self.chat_id),
            "from": self.user,
            "chat": self.chat,
            "date": int(time.time()),
            **content,
        }

    def _push(self, payload: dict[str, Any], update_id: int | None = None) -> int:
        return self.server.push_update(payload, update_id)

    def send(self, text: str) -> tuple[int, int]:
        """Write a message (a command when it starts with /); return (update_id, message_id)."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        message = self._message(**content)
        return self._push({"message": message}), message["message_id"]

    def edit(self, message_id: int, text: str) -> int:
        message = {
            "message_id": message_id,
            "from": self.user,
            "chat": self.chat,
            "date": int(time.time()) - 60,
            "edit_date": int(time.time()),
            "text": text,
        }
        return self._push({"edited_message": message})

    def press(self, message: SentMessage, label: str) -> tuple[int, str]:
        """Press the button `label` on a message the bot sent; return (update_id, query id)."""
        query_id = f"CQ{next(self.server._callback_ids)}"
        query = {
            "id": query_id,
            "from": self.user,
            "chat_instance": f"ci{self.chat_id}",
            "message": self.server._message_json(message),
            "data": message.data_of(label),
        }
        return self._push({"callback_query": query}), query_id

    def press_forged(self, message: SentMessage, data: str) -> tuple[int, str]:
        """What a modified client can send: a press by this user on any message the bot sent,
        in another chat too, with any callback data; return (update_id, query id)."""
        query_id = f"CQ{next(self.server._callback_ids)}"
        query = {
            "id": query_id,
            "from": self.user,
            "chat_instance": f"ci{message.chat_id}",
            "message": self.server._message_json(message),
            "data": data,
        }
        return self._push({"callback_query": query}), query_id

    def redeliver(self, update_id: int, payload: dict[str, Any]) -> int:
        return self._push(payload, update_id)

    def send_kind(self, kind: str) -> int:
        """Send something other than text: sticker, photo, voice, video, audio, video_note,
        animation, location, contact, poll, dice, venue."""
        file = {"file_id": f"K{kind}", "file_unique_id": f"UK{kind}"}
        contents: dict[str, dict[str, Any]] = {
            "sticker": {"sticker": {**file, "type": "regular", "width": 512, "height": 512,
                                    "is_animated": False, "is_video": False, "emoji": "👍"}},
            "photo": {"photo": [{**file, "width": 90, "height": 90}]},
            "voice": {"voice": {**file, "duration": 3, "mime_type": "audio/ogg"}},
            "video": {"video": {**file, "width": 640, "height": 480, "duration": 5}},
            "audio": {"audio": {**file, "duration": 120}},
            "video_note": {"video_note": {**file, "length": 240, "duration": 4}},
            "animation": {"animation": {**file, "width": 320, "height": 240, "duration": 2}},
            "location": {"location": {"latitude": 55.605, "longitude": 13.0038}},
            "contact": {"contact": {"phone_number": "+46401234567", "first_name": "Anna"}},
            "dice": {"dice": {"emoji": "🎲", "value": 4}},
            "venue": {"venue": {"location": {"latitude": 55.6, "longitude": 13.0},
                                "title": "Stadshuset", "address": "August Palms plats 1"}},
            "poll": {"poll": {"id": "P1", "question": "Fika?", "options": [
                {"text": "Ja", "voter_count": 0, "persistent_id": "o1"},
                {"text": "Nej", "voter_count": 0, "persistent_id": "o2"}],
                "total_voter_count": 0, "is_closed": False, "is_anonymous": True,
                "type": "regular", "allows_multiple_answers": False,
                "allows_revoting": False, "members_only": False}},
        }  # fmt: skip
        return self._push({"message": self._message(**contents[kind])})

    def send_document(
        self, filename: str, data: bytes, *, size: int | None = None, caption: str | None = None
    ) -> int:
        file_id = self.server.add_file(data, size=size)
        document = {
            "file_id": file_id,
            "file_unique_id": "U" + file_id,
            "file_name": filename,
            "mime_type": "application/octet-stream",
            "file_size": len(data) if size is None else size,
        }
        content: dict[str, Any] = {"document": document}
        if caption:
            content["caption"] = caption
        return self._push({"message": self._message(**content)})

    # ----------------------------------------------------------------- reading
    def unread(self) -> list[SentMessage]:
        return self.server.messages(self.chat_id)[self._read :]

    async def replies(
        self,
        until: Callable[[list[SentMessage]], bool] | None = None,
        *,
        timeout: float = 10.0,
        quiet: float = 0.15,
    ) -> list[SentMessage]:
        """Wait for the bot's next messages in this chat and mark them read.

        With `until`, wait until the unread messages satisfy it; without, wait for at least
        one message and then until the chat has been quiet for `quiet` seconds.
        """
        check = until or (lambda messages: bool(messages))
        await self.server.wait_for(
            lambda: check(self.unread()), timeout, f"replies in chat {self.chat_id}"
        )
        if until is None:
            seen = len(self.unread())
            while True:
                await asyncio.sleep(quiet)
                if len(self.unread()) == seen:
                    break
                seen = len(self.unread())
        new = self.unread()
        self._read += len(new)
        return new

    async def ask(
        self, text: str, until: Callable[[list[SentMessage]], bool] | None = None, **kw: Any
    ) -> list[SentMessage]:
        """Send `text` and return the replies to it."""
        self.send(text)
        return await self.replies(until, **kw)


def _user(user_id: int, first_name: str, last_name: str = "") -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name,
                            "language_code": "sv"}  # fmt: skip
    if last_name:
        user["last_name"] = last_name
    return user


def _chat_of(update: dict[str, Any]) -> int | None:
    """The update's chat; None also for a malformed update (a test's poison)."""
    try:
        for key in ("message", "edited_message"):
            if key in update:
                return int(update[key]["chat"]["id"])
        if "callback_query" in update:
            return int(update["callback_query"]["message"]["chat"]["id"])
    except (KeyError, TypeError, ValueError):
        return None
    return None


def _truthy(value: Any) -> bool:
    return value in (True, "true", "True", "1", 1)


def _visible(raw: str, parse_mode: Any, *, allow_empty: bool = False) -> str:
    visible = parse_html(raw) if parse_mode == "HTML" else raw
    if not visible.strip() and not allow_empty:
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(visible) > TEXT_LIMIT:
        raise ApiError(400, "Bad Request: message is too long")
    return visible


def _buttons(markup: Any) -> list[list[tuple[str, str]]]:
    if not markup:
        return []
    rows = markup.get("inline_keyboard", [])
    result = []
    for row in rows:
        buttons = []
        for button in row:
            if "web_app" in button:  # opens a Mini App: its address must be HTTPS
                url = str(button["web_app"].get("url", ""))
                if not url.startswith("https://"):
                    raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
                buttons.append((str(button["text"]), "web_app:" + url))
                continue
            data = str(button.get("callback_data", ""))
            if not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            buttons.append((str(button["text"]), data))
        result.append(buttons)
    return result


def _button_json(label: str, data: str) -> dict[str, Any]:
    if data.startswith("web_app:"):
        return {"text": label, "web_app": {"url": data.removeprefix("web_app:")}}
    return {"text": label, "callback_data": data}


def _error(exc: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.status, "description": exc.description}
    if exc.retry_after is not None:
        body["parameters"] = {"retry_after": exc.retry_after}
    return web.json_response(body, status=exc.status)


_JSON_FIELDS = {"reply_markup", "commands", "allowed_updates", "link_preview_options", "scope"}


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Parameters from the query, a JSON body, a form or multipart body (files as tuples)."""
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            params.update(await request.json())
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    with value.file:
                        params[key] = (value.filename, value.file.read())
                else:
                    params[key] = str(value)
    for key in _JSON_FIELDS & params.keys():
        if isinstance(params[key], str):
            params[key] = json.loads(params[key])
    return params
