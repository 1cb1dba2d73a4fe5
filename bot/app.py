"""Putting the parts together: settings in, a ready Conversation out."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import Settings
from bot.engine.conversation import Clock, Conversation
from bot.engine.services import EngineServices
from bot.engine.templates import TemplateCatalog, load_catalog
from bot.engine.texts import load_texts
from storage.db import SessionFactory, open_database


def system_clock() -> datetime:
    return datetime.now(UTC)


def load_templates(settings: Settings) -> TemplateCatalog:
    return load_catalog(settings.templates_dir())


def build_services(settings: Settings, sessions: SessionFactory, clock: Clock) -> EngineServices:
    """The review, document and import ports for this installation."""
    return EngineServices()


def build_conversation(settings: Settings, clock: Clock = system_clock) -> Conversation:
    """Open (and migrate) the database, load templates and texts, wire the services."""
    catalog = load_templates(settings)
    texts = load_texts()
    _, sessions = open_database(settings.resolved_database_url())
    return Conversation(sessions, catalog, texts, clock, build_services(settings, sessions, clock))
