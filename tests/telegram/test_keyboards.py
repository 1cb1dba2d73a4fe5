"""Callback data within 64 bytes, and the per-chat ordering of updates."""

from __future__ import annotations

import asyncio

from bot.engine.messages import Button
from bot.telegram.chat_lock import KeyedLocks
from bot.telegram.keyboards import CallbackCommands, inline_keyboard


def test_a_short_command_is_its_own_callback_data() -> None:
    commands = CallbackCommands()
    assert commands.encode("/fortsatt STK-2018-1307") == "/fortsatt STK-2018-1307"
    assert commands.decode("/fortsatt STK-2018-1307") == "/fortsatt STK-2018-1307"


def test_a_long_command_is_carried_by_a_short_hash() -> None:
    commands = CallbackCommands()
    long = "/andra budget " + "å" * 60  # 134 bytes in UTF-8
    data = commands.encode(long)
    assert len(data.encode()) <= 64 and data.startswith("#")
    assert commands.encode(long) == data
    assert commands.decode(data) == long
    assert CallbackCommands().decode(data) is None  # forgotten after a restart


def test_a_command_that_looks_like_a_hash_is_hashed_too() -> None:
    commands = CallbackCommands()
    data = commands.encode("#1")
    assert data != "#1" and commands.decode(data) == "#1"


def test_only_the_newest_hashed_commands_are_kept() -> None:
    commands = CallbackCommands(capacity=2)
    datas = [commands.encode(f"/x {n} " + "y" * 70) for n in range(3)]
    assert [commands.decode(d) is not None for d in datas] == [False, True, True]


def test_inline_keyboard_keeps_the_rows() -> None:
    markup = inline_keyboard(
        (
            (Button("Tillbaka", "/tillbaka"), Button("Hoppa över", "/hoppa")),
            (Button("Klar", "/klar"),),
        ),
        CallbackCommands(),
    )
    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [
        ["Tillbaka", "Hoppa över"], ["Klar"]
    ]  # fmt: skip
    assert inline_keyboard((), CallbackCommands()) is None


async def test_keyed_locks_order_one_key_and_let_others_pass() -> None:
    locks = KeyedLocks()
    log: list[str] = []
    gate = asyncio.Event()

    async def step(key: str, name: str, wait: bool = False) -> None:
        async with locks.hold(key):
            if wait:
                await gate.wait()
            log.append(name)

    tasks = [asyncio.create_task(step("a", "a1", wait=True))]
    await asyncio.sleep(0)
    tasks += [asyncio.create_task(step("a", f"a{n}")) for n in (2, 3)]
    tasks.append(asyncio.create_task(step("b", "b1")))
    await asyncio.sleep(0.01)
    assert log == ["b1"]
    gate.set()
    await asyncio.gather(*tasks)
    assert log == ["b1", "a1", "a2", "a3"]
    assert len(locks) == 0
