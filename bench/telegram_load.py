"""The load side of bench/telegram_bench.py, in a process of its own.

`LoadServer` spawns a process that runs the local Bot API server (tests/fakes/bot_api.py)
and, on the server's own event loop, the simulated chats. The bot under test runs in
the calling process, so that process spends its time on the bot alone.

Two kinds of load:

* `closed_loop`: every chat sends its next message as soon as the previous one is
  answered, so the bot is always busy: its throughput at saturation.
* `open_loop`: every chat writes at random moments (exponential intervals, a Poisson
  stream per chat) whether or not its earlier messages have been answered: the reply
  latency at a given pace.

Latency is measured by the server, on one clock: from the moment an update is made
available to getUpdates to the moment the bot's reply to it arrives. The bot answers
each message of the script with exactly one message and a chat's messages in order, so
the k-th message the bot sends to a chat is the reply to the k-th update of that chat;
a chat that gets more or fewer messages than it sent is counted and reported.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import random
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from tests.fakes.bot_api import FakeBotApi, SentMessage

SCRIPT = (
    "/ny STK-2099-{chat}",
    "/mall mall-2019",
    "Arbetsmarknads- och socialnämnden",
    "Utvecklingsarbete nummer {chat}",
    "Målet var att integrera jämställdhet & antidiskriminering i arbetet.",
    "Insatserna har genomförts enligt plan, med <viss> försening.",
    "/klar",
    "Förankringen skedde i ledningsgrupperna.",
    "/klar",
    "/status",
)
MORE = "Ytterligare en del av svaret, nummer {n}, om hur arbetet har följts upp."
LOAD_GC_PAUSE = "load process's longest garbage collection, ms"
ANSWER_TIMEOUT = 30.0  # a closed-loop chat gives up on a reply after this long
REPLY_TIMEOUT = 300.0  # the bench process gives up on the load process after this long


def script_text(chat: int, number: int) -> str:
    """The `number`-th message (from 0) an official writes in chat `chat`: a new report,
    the mall, answers, parts, Klar, status; then more parts of the current answer.
    The bot answers every one of them with exactly one message."""
    if number < len(SCRIPT):
        return SCRIPT[number].format(chat=chat)
    return MORE.format(n=number)


@dataclass
class LoadResult:
    """What one run of simulated chats measured (times in seconds)."""

    name: str
    chats: int
    sent: int
    seconds: float
    latencies: list[float]
    unanswered: int = 0  # updates no reply arrived for (before the run's time limit)
    extra: int = 0  # messages to a chat that had no update waiting for a reply
    max_lag: float = 0.0  # open loop: how late the generator sent its latest message
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


class _Replies:
    """Pairs every message the bot sends with the oldest unanswered update of its chat."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.waiting: dict[int, deque[int]] = {}  # chat_id -> update ids, oldest first
        self.latency: dict[int, float] = {}  # update_id -> seconds
        self.futures: dict[int, asyncio.Future[None]] = {}
        self.sent = 0
        self.extra = 0
        api.on_message = self._arrived

    def close(self) -> None:
        self.api.on_message = None

    def send(self, user: Any, text: str) -> int:
        update_id, _ = user.send(text)
        self.waiting.setdefault(user.chat_id, deque()).append(update_id)
        self.sent += 1
        return update_id

    def answered(self, update_id: int) -> asyncio.Future[None]:
        future = asyncio.get_running_loop().create_future()
        if update_id in self.latency:
            future.set_result(None)
        else:
            self.futures[update_id] = future
        return future

    def unanswered(self) -> int:
        return self.sent - len(self.latency)

    def _arrived(self, message: SentMessage) -> None:
        queue = self.waiting.get(message.chat_id)
        if not queue:
            self.extra += 1
            return
        update_id = queue.popleft()
        self.latency[update_id] = message.sent_at - self.api.pushed_at[update_id]
        future = self.futures.pop(update_id, None)
        if future is not None and not future.done():
            future.set_result(None)


async def _closed_loop(
    api: FakeBotApi, name: str, first_chat: int, chats: int, messages: int
) -> LoadResult:
    replies = _Replies(api)
    actions_before = len(api.chat_actions)

    async def chat(number: int) -> None:
        user = api.private_chat(number, f"Tjänsteperson {number}")
        for index in range(messages):
            update_id = replies.send(user, script_text(number, index))
            await asyncio.wait_for(replies.answered(update_id), ANSWER_TIMEOUT)

    started = time.perf_counter()
    try:
        await asyncio.gather(*(chat(first_chat + n) for n in range(chats)))
    finally:
        replies.close()
    seconds = time.perf_counter() - started
    return LoadResult(name, chats, replies.sent, seconds, list(replies.latency.values()),
                      replies.unanswered(), replies.extra,
                      details={"chat actions": len(api.chat_actions) - actions_before})  # fmt: skip


async def _open_loop(
    api: FakeBotApi,
    name: str,
    first_chat: int,
    chats: int,
    mean_interval: float,
    duration: float,
    drain: float,
    seed: int,
) -> LoadResult:
    rng = random.Random(seed)
    schedule: list[tuple[float, int, int]] = []  # (seconds from start, chat, message number)
    for number in range(chats):
        at, index = rng.expovariate(1 / mean_interval), 0
        while at < duration:
            schedule.append((at, number, index))
            at, index = at + rng.expovariate(1 / mean_interval), index + 1
    schedule.sort()
    users = [api.private_chat(first_chat + n, f"Tjänsteperson {first_chat + n}")
             for n in range(chats)]  # fmt: skip
    replies = _Replies(api)
    loop = asyncio.get_running_loop()
    max_lag = 0.0
    started = loop.time()
    try:
        for at, number, index in schedule:
            delay = started + at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            max_lag = max(max_lag, loop.time() - started - at)
            replies.send(users[number], script_text(first_chat + number, index))
        deadline = loop.time() + drain
        while replies.unanswered() and loop.time() < deadline:
            await asyncio.sleep(0.01)
        seconds = loop.time() - started
    finally:
        replies.close()
    return LoadResult(name, chats, replies.sent, seconds, list(replies.latency.values()),
                      replies.unanswered(), replies.extra, max_lag)  # fmt: skip


def _serve(connection: Connection, token: str) -> None:
    """The load process: the server, then one command at a time until "stop"."""
    with FakeBotApi(token) as api:
        connection.send((api.base_url, api.file_url))
        while True:
            try:
                kind, arguments = connection.recv()
            except EOFError:  # the bench process is gone
                return
            if kind == "stop":
                connection.send(None)
                return
            run = _closed_loop if kind == "closed" else _open_loop
            # What the server recorded so far (every call, every message) is set aside from
            # the collector: a full collection through it paused this process, the server
            # and the simulated chats, for up to 200 ms, and the reply latencies with it.
            gc.freeze()
            pauses = GcPauses()
            try:
                result: object = api.run_on_server(run(api, *arguments)).result(REPLY_TIMEOUT)
            except Exception as error:  # noqa: BLE001 - reported to the bench process
                result = error
            finally:
                pauses.close()
            if isinstance(result, LoadResult):
                result.details[LOAD_GC_PAUSE] = round(pauses.longest * 1000, 1)
            connection.send(result)


class GcPauses:
    """The longest garbage collection in this process while it is open."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.longest = max(self.longest, time.perf_counter() - self._started)

    def close(self) -> None:
        gc.callbacks.remove(self._on_gc)


class LoadServer:
    """The load process, from the bench's side: `with LoadServer(token) as load:`, point
    the bot at `load.base_url`, then `await load.closed_loop(...)` / `open_loop(...)`."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.base_url = ""
        self.file_url = ""
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, token), name="bot-api-load", daemon=True
        )
        self._child_end = child

    def __enter__(self) -> LoadServer:
        self._process.start()
        self._child_end.close()
        self.base_url, self.file_url = self._receive(60)
        return self

    def __exit__(self, *_: object) -> None:
        try:
            self._connection.send(("stop", ()))
            self._receive(10)
        except (OSError, EOFError, TimeoutError):
            pass
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)
        self._connection.close()

    def _receive(self, timeout: float) -> Any:
        if not self._connection.poll(timeout):
            raise TimeoutError(f"the load process did not answer within {timeout} s")
        answer = self._connection.recv()
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def _ask(self, kind: str, arguments: tuple[Any, ...]) -> LoadResult:
        self._connection.send((kind, arguments))
        result: LoadResult = self._receive(REPLY_TIMEOUT + 10)
        return result

    async def closed_loop(
        self, name: str, *, first_chat: int, chats: int, messages: int
    ) -> LoadResult:
        """`chats` chats, each sending `messages` messages, each after the previous reply."""
        return await asyncio.to_thread(self._ask, "closed", (name, first_chat, chats, messages))

    async def open_loop(
        self,
        name: str,
        *,
        first_chat: int,
        chats: int,
        mean_interval: float,
        duration: float,
        drain: float = 10.0,
        seed: int = 2099,
    ) -> LoadResult:
        """`chats` chats writing for `duration` seconds, each at exponential intervals of
        mean `mean_interval` without waiting for replies; then up to `drain` seconds for
        the last replies. The same `seed` gives the same schedule."""
        arguments = (name, first_chat, chats, mean_interval, duration, drain, seed)
        return await asyncio.to_thread(self._ask, "open", arguments)
