"""The dashboard's ASGI app (Starlette): routes, sessions and the thread its database work
runs on.

Threads: the event loop (uvicorn's, or the bot's when `redovisa telegram` serves it beside
the bot) only parses requests and sends answers; every database read and write runs on the
dashboard's own executor (one thread on SQLite, which lets one writer in at a time), and the
sammanställning's PDF is rendered there too. A reminder is sent on the event loop through
the bot's notifier.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.engine.access import may_coordinate
from bot.engine.overview_view import SWEDISH_TIME
from bot.mall.template import TemplateCatalog
from bot.reminders.sender import Notifier
from bot.web import reminding
from bot.web.auth import LoginLinks, NotAuthenticated, SessionSigner, verify_init_data
from bot.web.downloads import overview_download, sammanstallning_download
from bot.web.listing import STATUSES
from bot.web.pages import render
from bot.web.queries import case_context, overview_context
from bot.web.theme import parse_theme, serialise
from storage.models import User
from storage.repository import find_user
from storage.unit_of_work import Sessions, UnitOfWork

log = logging.getLogger(__name__)
T = TypeVar("T")
SESSION_COOKIE = "redovisa_session"
THEME_COOKIE = "redovisa_theme"
NOT_LOGGED_IN = "Du är inte inloggad"
NOT_COORDINATOR = (
    "Översikten är till för samordnare. Du är registrerad som handläggare; be en samordnare "
    "om hjälp, eller fortsätt med dina egna ärenden i chatten."
)
NOT_REGISTERED = "Du är inte registrerad hos Redovisa. Be en samordnare om en inbjudan."


@dataclass
class DashboardSettings:
    """What the dashboard needs of the installation."""

    sessions: Sessions
    catalog: TemplateCatalog
    clock: Callable[[], datetime]
    bot_token: str | None = None  # checks Telegram's initData; without it only login links
    notifier: Notifier | None = None  # the bot's, when it runs in the same process
    secure_cookies: bool = False  # True behind HTTPS (REDOVISA_WEB_URL)
    db_threads: int = 1
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    @staticmethod
    def secret_from_token(token: str | None) -> bytes:
        """The same session secret on every instance of one bot; a random one without it."""
        if token is None:
            return secrets.token_bytes(32)
        return hashlib.sha256(b"redovisa dashboard sessions\0" + token.encode()).digest()


class Dashboard:
    """The app and its state: one-time links, the session signer, the database thread."""

    def __init__(self, settings: DashboardSettings) -> None:
        self.settings = settings
        self.links = LoginLinks()
        self.signer = SessionSigner(settings.secret)
        self.executor = ThreadPoolExecutor(settings.db_threads, thread_name_prefix="dashboard")
        self._reminding: set[int] = set()
        self.app = Starlette(
            lifespan=self._lifespan,
            routes=[
                Route("/", self.overview),
                Route("/auth/telegram", self.telegram_login, methods=["POST"]),
                Route("/login/{token}", self.link_login),
                Route("/logga-ut", self.logout, methods=["POST"]),
                Route("/oversikt.xlsx", self.overview_file),
                Route("/sammanstallning.pdf", self.sammanstallning_file),
                Route("/arende/{case_number}", self.case),
                Route("/arende/{case_number}/paminnelse", self.remind, methods=["POST"]),
            ],
        )

    def close(self) -> None:
        self.executor.shutdown(wait=True)

    @contextlib.asynccontextmanager
    async def _lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        """When the app stops, a notifier of its own (not the bot's) closes its connections."""
        yield
        close = getattr(self.settings.notifier, "aclose", None)
        if close is not None:
            await close()

    def login_link(self, user_id: int) -> str:
        """The path of a one-time login link for the user (ten minutes, once)."""
        return "/login/" + self.links.create(user_id, self.settings.clock())

    async def _db(self, work: Callable[..., T], *args: Any) -> T:
        """Read on the dashboard's thread (a reader never holds up the bot's writes)."""

        def reading() -> T:
            with UnitOfWork.of(self.settings.sessions).reading() as session:
                return work(session, *args)

        return await asyncio.get_running_loop().run_in_executor(self.executor, reading)

    async def _write(self, work: Callable[..., T], *args: Any) -> T:
        """Write in one transaction (on SQLite through the one writer)."""
        unit = UnitOfWork.of(self.settings.sessions)
        return await asyncio.get_running_loop().run_in_executor(
            self.executor, unit.write, lambda session: work(session, *args)
        )

    # -- who is asking ------------------------------------------------------------------

    def _theme(self, request: Request) -> dict[str, str]:
        return parse_theme(request.cookies.get(THEME_COOKIE))

    def _login_page(self, request: Request, headline: str, message: str, code: int) -> Response:
        return render("login.html", self._theme(request), code, headline=headline,
                      message=message, user=None)  # fmt: skip

    def _refused(self, request: Request, user: User | None, code: int, headline: str,
                 message: str) -> Response:  # fmt: skip
        return render("refused.html", self._theme(request), code, headline=headline,
                      message=message, user=user)  # fmt: skip

    def _session_user(self, request: Request) -> int | None:
        return self.signer.user_id(request.cookies.get(SESSION_COOKIE), self.settings.clock())

    async def _coordinator(self, request: Request) -> User | Response:
        """The signed-in coordinator, or the page that says why not (401 or 403)."""
        user_id = self._session_user(request)
        if user_id is None:
            return self._login_page(request, NOT_LOGGED_IN, "Logga in för att se översikten.", 401)
        user = await self._db(lambda s: s.get(User, user_id))
        if user is None or not user.active:
            return self._login_page(request, NOT_LOGGED_IN, NOT_REGISTERED, 401)
        if not may_coordinate(user):
            return self._refused(request, None, 403, "Bara för samordnare", NOT_COORDINATOR)
        return user

    def _signed_in(self, user_id: int, theme: dict[str, str] | None = None) -> Response:
        response = RedirectResponse("/", status_code=303)
        secure = self.settings.secure_cookies
        response.set_cookie(
            SESSION_COOKIE, self.signer.issue(user_id, self.settings.clock()),
            max_age=30 * 60, httponly=True, samesite="lax", secure=secure,
        )  # fmt: skip
        if theme is not None:
            response.set_cookie(THEME_COOKIE, serialise(theme), max_age=30 * 24 * 3600,
                                httponly=True, samesite="lax", secure=secure)  # fmt: skip
        return response

    async def telegram_login(self, request: Request) -> Response:
        form = await request.form()
        init_data = str(form.get("init_data", ""))
        token = self.settings.bot_token
        try:
            if token is None:
                raise NotAuthenticated("ingen bot")
            login = verify_init_data(init_data, token, self.settings.clock())
        except NotAuthenticated:
            return self._login_page(request, "Inloggningen gick inte igenom",
                "Uppgifterna från Telegram kunde inte bekräftas (de är för gamla eller inte "
                "från Redovisas bot). Öppna översikten igen från chatten.", 401)  # fmt: skip
        user = await self._db(lambda s: _user_by_external_id(s, login.external_id))
        if user is None or not user.active:
            return self._refused(request, None, 403, "Ingen behörighet", NOT_REGISTERED)
        if not may_coordinate(user):
            return self._refused(request, None, 403, "Bara för samordnare", NOT_COORDINATOR)
        return self._signed_in(user.id, parse_theme(str(form.get("theme", ""))))

    async def link_login(self, request: Request) -> Response:
        user_id = self.links.redeem(request.path_params["token"], self.settings.clock())
        if user_id is None:
            return self._login_page(request, "Länken fungerar inte",
                "Inloggningslänken har redan använts eller gått ut (den gäller en gång, i tio "
                "minuter). Skapa en ny med redovisa web --open.", 401)  # fmt: skip
        return self._signed_in(user_id)

    async def logout(self, request: Request) -> Response:
        response = self._login_page(request, "Utloggad", "Du är utloggad.", 200)
        response.delete_cookie(SESSION_COOKIE)
        return response

    # -- pages --------------------------------------------------------------------------

    def _today(self) -> Any:
        return self.settings.clock().astimezone(SWEDISH_TIME).date()

    async def overview(self, request: Request) -> Response:
        user = await self._coordinator(request)
        if isinstance(user, Response):
            return user
        query = dict(request.query_params)
        context = await self._db(
            overview_context, user.id, query, self.settings.catalog, self._today()
        )
        return render("overview.html", self._theme(request), user=user, **context)

    async def case(self, request: Request, notice: str | None = None) -> Response:
        user = await self._coordinator(request)
        if isinstance(user, Response):
            return user
        number = request.path_params["case_number"]
        page = await self._db(case_context, user.id, number, self.settings.catalog, self._today())
        if page is None:
            return self._refused(request, user, 404, "Ärendet finns inte bland dina ärenden",
                f"{number[:40]} är inte ett av de ärenden du följer.")  # fmt: skip
        notice = reminding.OUTCOME_TEXTS.get(request.query_params.get("paminnelse", ""))
        token = self.signer.form_token(request.cookies.get(SESSION_COOKIE, ""))
        return render("case.html", self._theme(request), user=user, page=page, notice=notice,
                      form_token=token, statuses=STATUSES)  # fmt: skip

    async def remind(self, request: Request) -> Response:
        user = await self._coordinator(request)
        if isinstance(user, Response):
            return user
        form = await request.form()
        if not self.signer.form_token_valid(
            request.cookies.get(SESSION_COOKIE, ""), str(form.get("token", ""))
        ):
            return self._refused(request, user, 403, "Formuläret gäller inte längre",
                                 "Ladda om sidan och försök igen.")  # fmt: skip
        number = request.path_params["case_number"]
        page = await self._db(case_context, user.id, number, self.settings.catalog, self._today())
        if page is None:
            return self._refused(request, user, 404, "Ärendet finns inte bland dina ärenden",
                f"{number[:40]} är inte ett av de ärenden du följer.")  # fmt: skip
        outcome = await self._send_reminder(user, page.case.id)
        return RedirectResponse(f"/arende/{quote(number)}?paminnelse={outcome}", status_code=303)

    async def _send_reminder(self, user: User, case_id: int) -> str:
        notifier = self.settings.notifier
        if notifier is None:
            return reminding.NOT_RUNNING
        if case_id in self._reminding:  # the same press twice at once
            return reminding.RECENT
        self._reminding.add(case_id)
        try:
            now = self.settings.clock()
            outcome, message = await self._write(
                reminding.prepare, case_id, user, self.settings.catalog, now, self._today()
            )
            if message is None:
                return outcome
            return await reminding.send(notifier, message)
        finally:
            self._reminding.discard(case_id)

    async def overview_file(self, request: Request) -> Response:
        user = await self._coordinator(request)
        if isinstance(user, Response):
            return user
        return await self._db(overview_download, user.id, self.settings.catalog, self._today())

    async def sammanstallning_file(self, request: Request) -> Response:
        user = await self._coordinator(request)
        if isinstance(user, Response):
            return user
        year_text = request.query_params.get("ar", "")
        year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else self._today().year
        return await asyncio.get_running_loop().run_in_executor(
            self.executor,
            partial(sammanstallning_download, self.settings.sessions, year,
                    self.settings.catalog, self._today()),
        )  # fmt: skip


def _user_by_external_id(session: Session, external_id: str) -> User | None:
    return find_user(session, external_id)
