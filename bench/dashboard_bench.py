"""How fast the dashboard's first page is served at 2 000 ärenden over 20 nämnder (SQLite).

    .venv/bin/python -m bench.dashboard_bench [--cases 2000] [--requests 60]

One coordinator has registered every ärende; about two thirds have answers (up to all eight
questions), a third a confirmed budget, some are submitted, some late. The first page
(GET / with a session, as a coordinator opens the Mini App: the year's ärenden through the
engine's coordinator view, grouped by nämnd, rendered with Jinja2) is requested through the
ASGI app in this process, after the start-up step the server takes (templates compiled,
start-up objects frozen out of the garbage collector's sight), and its server time measured
per request. Printed: median and
p95 in ms of wall time (the aim is p95 under 300 ms) and of the process's CPU time (the same
without the waits a shared machine adds), and the ratios one run gives:
    p95 / median              - how even the page's time is;
    page / coordinator view   - the whole request over the engine's visible_rows alone (the
                                query /oversikt runs), i.e. what the dashboard adds to it;
    at N / at N/10            - the page at N ärenden over the page at a tenth (10 is linear).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import insert
from sqlalchemy.orm import sessionmaker
from starlette.testclient import TestClient

from bot.config import PROMPTS_DIR
from bot.engine.coordinator_view import visible_rows
from bot.mall.template import load_catalog
from bot.web.app import SESSION_COOKIE, Dashboard, DashboardSettings
from bot.web.server import settle_after_start
from storage.db import create_db_engine, migrate
from storage.models import Answer, BudgetLedgerEntry, Case, CaseMember, User

COMMITTEES = 20
KEYS = ("namnd", "namn", "maluppfyllelse", "forankring", "erfarenheter", "tillvarata",
        "budget", "underskrift")  # fmt: skip


def seed(url: str, count: int, today: date) -> None:
    engine = create_db_engine(url)
    migrate(engine)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(User), [
            {"id": 1, "external_id": "telegram:1", "display_name": "Samordnaren",
             "role": "coordinator", "active": True, "created_at": now},
            {"id": 2, "external_id": "telegram:2", "display_name": "Handläggaren",
             "role": "official", "active": True, "created_at": now},
        ])  # fmt: skip
        cases, members, answers, ledger = [], [], [], []
        for i in range(1, count + 1):
            deadline = today + timedelta(days=(i * 7) % 200 - 40)
            cases.append({
                "id": i, "case_number": f"STK-{today.year}-{i:04d}", "template_id": "mall-2019",
                "committee": f"Nämnd {i % COMMITTEES + 1:02d}", "granted_amount_kr": 50_000 + i * 100,
                "decision_date": date(today.year, 1, 1) + timedelta(days=i % 60),
                "last_reply_date": deadline, "recipients": ["registrator@malmo.se"],
                "responsible_user_id": 2, "created_by_user_id": 1, "status": "in_progress",
                "created_at": now, "open_findings": i % 4 or None,
                "submitted_at": now if i % 9 == 0 else None,
            })  # fmt: skip
            members += [{"case_id": i, "user_id": u, "added_at": now} for u in (1, 2)]
            for k, key in enumerate(KEYS[: i % 12]):
                answers.append({"case_id": i, "question_key": key, "version": 1,
                                "text": f"Svar {k} i ärende {i}.", "parts": [],
                                "author_user_id": 2, "created_at": now})  # fmt: skip
            if i % 3 == 0:
                ledger.append({"case_id": i, "granted_kr": 50_000 + i * 100, "used_kr": 40_000,
                               "remaining_kr": 10_000 + i * 100, "activities": [],
                               "source": "read", "confirmed_by_user_id": 2,
                               "confirmed_at": now})  # fmt: skip
        connection.execute(insert(Case), cases)
        connection.execute(insert(CaseMember), members)
        connection.execute(insert(Answer), answers)
        connection.execute(insert(BudgetLedgerEntry), ledger)
    engine.dispose()


def measure(url: str, requests: int) -> tuple[list[float], list[float], float]:
    """Server times of GET / (seconds, wall and the process's CPU), and the median time of
    the coordinator view alone."""
    engine = create_db_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    catalog = load_catalog(PROMPTS_DIR / "templates")
    board = Dashboard(
        DashboardSettings(sessions=sessions, catalog=catalog, clock=lambda: datetime.now(UTC))
    )
    settle_after_start()  # as `redovisa web` and `redovisa telegram` do before serving
    client = TestClient(board.app, base_url="http://127.0.0.1")
    client.get(board.login_link(1), follow_redirects=False)
    assert client.cookies.get(SESSION_COOKIE)
    times, cpu = [], []
    for _ in range(requests + 3):
        start, start_cpu = time.perf_counter(), time.process_time()
        answer = client.get("/")
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert answer.status_code == 200, answer.status_code
    view = []
    with sessions() as session:
        user = session.get(User, 1)
        assert user is not None
        for _ in range(10):
            start = time.perf_counter()
            visible_rows(session, user, catalog)
            view.append(time.perf_counter() - start)
    board.close()
    engine.dispose()
    return times[3:], cpu[3:], statistics.median(view)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args(argv)
    today = date.today()
    results = {}
    with TemporaryDirectory() as folder:
        for size in (args.cases // 10, args.cases):
            url = f"sqlite:///{Path(folder) / f'dashboard-{size}.sqlite3'}"
            seed(url, size, today)
            results[size] = measure(url, args.requests)
    times, cpu, view = results[args.cases]
    small = statistics.median(results[args.cases // 10][0])
    median = statistics.median(times)
    print(f"  first page at {args.cases} ärenden over {COMMITTEES} nämnder (SQLite), "
          f"{args.requests} requests:")  # fmt: skip
    print(f"    wall: median {median * 1000:.1f} ms   p95 {p95(times) * 1000:.1f} ms   "
          "(aim: p95 < 300 ms)")  # fmt: skip
    print(f"    CPU:  median {statistics.median(cpu) * 1000:.1f} ms   p95 {p95(cpu) * 1000:.1f} ms "
          "(the wall time less what other processes took from this one)")  # fmt: skip
    print(f"    p95 / median = {p95(times) / median:.2f}   page / coordinator view = "
          f"{median / view:.2f}   at {args.cases} / at {args.cases // 10} = {median / small:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
