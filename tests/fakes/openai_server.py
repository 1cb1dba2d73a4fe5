"""A local OpenAI-compatible HTTP server for tests: scripted replies, recorded requests.

    with FakeOpenAIServer() as server:
        server.enqueue(reply({"suggestion": "...", "explanation": "..."}), status(500))
        client = openai.OpenAI(api_key="test", base_url=server.base_url, max_retries=0)
        ...
        server.requests[0].body["messages"]

It listens on 127.0.0.1 on a free port and answers POST /v1/chat/completions with the next
scripted behaviour from its queue (or `default`, or a 500 that says the script ran out):

- `reply(content, ...)`: a good chat completion whose message content is `content`
  (a dict or list is sent as JSON), with usage counts;
- `malformed_json()`: a completion whose content is not JSON;
- `status(code, headers=..., body=...)`: an error such as 429 with Retry-After, or 500;
- `slow(seconds, then)`: waits, then sends `then` (past the client's time-out, the client
  is gone by then);
- `hang()`: reads the request and never answers until the server closes.

Every request is recorded (path, headers, JSON body) in `server.requests`, hung and slow
ones included. Closing the server releases waiting handlers and joins every thread.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class Behaviour:
    """What the server does with one request."""

    status: int = 200
    content: str | None = None  # the assistant message's content, for status 200
    body: bytes | None = None  # a raw body instead of a completion
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    hang: bool = False
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str = "stop"


def reply(
    content: object,
    *,
    prompt_tokens: int = 120,
    completion_tokens: int = 40,
    finish_reason: str = "stop",
) -> Behaviour:
    """A good completion; dicts and lists are sent as JSON text, strings as they are."""
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    return Behaviour(
        content=text,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        finish_reason=finish_reason,
    )


def malformed_json() -> Behaviour:
    """A completion whose content is cut-off JSON."""
    return reply('{"suggestion": "Vi ordnade', prompt_tokens=100, completion_tokens=5)


def status(code: int, *, headers: dict[str, str] | None = None, body: object = None) -> Behaviour:
    """An error answer, e.g. status(429, headers={"Retry-After": "1"}) or status(500)."""
    payload = body if body is not None else {"error": {"message": f"fake {code}", "type": "fake"}}
    return Behaviour(
        status=code,
        body=json.dumps(payload).encode(),
        headers=tuple((headers or {}).items()),
    )


def slow(seconds: float, then: Behaviour | None = None) -> Behaviour:
    """Wait `seconds` before answering with `then` (a good empty reply by default)."""
    return dataclasses.replace(then or reply({}), delay=seconds)


def hang() -> Behaviour:
    """Read the request and never answer."""
    return Behaviour(hang=True)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any = field(repr=False)

    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", [])) if isinstance(self.body, dict) else []

    def message(self, role: str) -> str:
        """The content of the one message with that role."""
        found = [m["content"] for m in self.messages() if m.get("role") == role]
        if len(found) != 1:
            raise AssertionError(f"expected one {role} message, found {len(found)}")
        return str(found[0])


class FakeOpenAIServer:
    """An OpenAI-compatible endpoint on 127.0.0.1 with a queue of scripted behaviours."""

    def __init__(self, default: Behaviour | None = None, model: str = "fake-model") -> None:
        self.default = default
        self.model = model
        self.requests: list[RecordedRequest] = []
        self.unscripted = 0
        self._queue: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-openai-server",
            daemon=True,
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def enqueue(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._queue.extend(behaviours)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def close(self) -> None:
        """Release waiting handlers, stop serving and join every thread."""
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _next(self, request: RecordedRequest) -> Behaviour | None:
        with self._lock:
            self.requests.append(request)
            if self._queue:
                return self._queue.popleft()
            if self.default is not None:
                return self.default
            self.unscripted += 1
            return None

    def _completion(self, behaviour: Behaviour) -> bytes:
        completion = {
            "id": f"chatcmpl-fake-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": behaviour.content},
                    "finish_reason": behaviour.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": behaviour.prompt_tokens,
                "completion_tokens": behaviour.completion_tokens,
                "total_tokens": behaviour.prompt_tokens + behaviour.completion_tokens,
            },
        }
        return json.dumps(completion, ensure_ascii=False).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close joins the handler threads
    block_on_close = True
    fake: FakeOpenAIServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (time-out, hang-up) is expected here; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: nothing left open at close
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        """Keep test output clean."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._send(404, b'{"error": {"message": "not found"}}')

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw or b"null")
        except ValueError:
            body = raw.decode("utf-8", "replace")
        request = RecordedRequest(
            method="POST",
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        if self.path.rstrip("/") != "/v1/chat/completions":
            fake._record(request)
            self._send(404, b'{"error": {"message": "not found"}}')
            return
        behaviour = fake._next(request)
        if behaviour is None:
            self._send(500, b'{"error": {"message": "fake: no scripted behaviour left"}}')
            return
        if behaviour.hang:
            fake._closing.wait()
            return
        if behaviour.delay and fake._closing.wait(behaviour.delay):
            return
        if behaviour.status == 200 and behaviour.body is None:
            self._send(200, fake._completion(behaviour), behaviour.headers)
        else:
            self._send(behaviour.status, behaviour.body or b"{}", behaviour.headers)

    def _send(self, code: int, payload: bytes, headers: tuple[tuple[str, str], ...] = ()) -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass  # the client timed out and closed the connection
