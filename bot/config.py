"""Every setting the program reads, taken once from the environment.

`Settings()` is built in `main()` and passed down; nothing else reads os.environ.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.mall.datafiles import PROMPTS_DIR

DEFAULT_DATA_DIR = Path.home() / ".local" / "share" / "redovisa"
TELEGRAM_TOKEN_PATTERN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
PLACEHOLDER_SECRETS = {"changethis", "changeme", "secret", "xxx", "token"}


class Settings(BaseSettings):
    """The program's configuration; each field is one environment variable."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database; default a SQLite file in REDOVISA_DATA_DIR. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/db",
    )
    redovisa_data_dir: Path = Field(
        default=DEFAULT_DATA_DIR,
        description="Folder for the SQLite file and rendered documents",
    )
    redovisa_templates_dir: Path | None = Field(
        default=None, description="Folder with the mall definitions (default: prompts/templates)"
    )
    log_level: str | None = Field(
        default=None,
        description="Logging level (DEBUG, INFO, WARNING); default INFO for the Telegram bot "
        "and WARNING for the terminal chat and the other commands",
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None,
        description="Token from BotFather; without it `make run` starts the terminal chat",
    )
    telegram_api_base_url: str | None = Field(
        default=None,
        description="Bot API base, e.g. http://127.0.0.1:8081/bot for a self-hosted Bot API server",
    )
    telegram_api_file_url: str | None = Field(
        default=None, description="Bot API file base, e.g. http://127.0.0.1:8081/file/bot"
    )
    telegram_webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL for webhook mode; long polling when unset"
    )
    telegram_webhook_listen: str = Field(default="0.0.0.0", description="Webhook listen address")
    telegram_webhook_port: int = Field(default=8443, description="Webhook listen port")
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, description="Secret token Telegram must send with each webhook request"
    )
    telegram_instances: int = Field(
        default=1,
        ge=1,
        le=30,
        description=(
            "How many bot instances share one PostgreSQL behind a load balancer (webhook "
            "mode); each sends at most 1/N of Telegram's 30 messages a second"
        ),
    )
    telegram_messages_per_second: float = Field(
        default=28.0,
        gt=0,
        le=10_000,
        description=(
            "Messages a second the bot sends in all (Telegram's limit is about 30; paid "
            "broadcasts and a local Bot API server allow more); shared by the instances"
        ),
    )
    telegram_chat_interval_seconds: float = Field(
        default=1.0,
        ge=0,
        le=60,
        description="Seconds between two messages to one chat (Telegram's limit: about 1)",
    )
    inbox_retention_days: int = Field(
        default=7,
        ge=1,
        le=365,
        description=(
            "Days a handled update's id is kept (against a redelivery) before it is deleted; "
            "its content is dropped as soon as it has been answered"
        ),
    )
    telegram_admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Telegram user ids of administrators, comma-separated"
    )

    redovisa_web_url: str | None = Field(
        default=None,
        description="Public HTTPS address of the coordinators' dashboard; when set, "
        "`redovisa telegram` serves it and /oversikt gets a button that opens it in Telegram",
    )
    redovisa_web_listen: str = Field(
        default="127.0.0.1", description="Address the dashboard's web server listens on"
    )
    redovisa_web_port: int = Field(
        default=8080, ge=1, le=65535, description="Port the dashboard's web server listens on"
    )

    openai_api_key: SecretStr | None = Field(
        default=None, description="Key for the OpenAI-compatible endpoint; no LLM when unset"
    )
    openai_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint (Azure OpenAI, vLLM, Ollama, ...)"
    )
    openai_model: str = Field(default="gpt-4o-mini", description="Model name at the endpoint")
    llm_timeout_seconds: float = Field(default=30.0, description="Time-out of one LLM call")
    llm_deadline_seconds: float = Field(
        default=60.0, description="Overall deadline for one LLM request including retries"
    )
    llm_mask: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["personnummer", "email", "phone", "person_name"],
        description="Personal data masked before text leaves for the LLM, comma-separated",
    )

    reminder_days_before: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [14, 7, 2, 0],
        description="Days before the last reply date when reminders go out, comma-separated",
    )
    reminder_time: time = Field(default=time(9, 0), description="Time of day for reminders")
    reminder_timezone: str = Field(default="Europe/Stockholm", description="Time zone of reminders")

    smtp_host: str | None = Field(
        default=None,
        description="SMTP server for the mail to the registrator; unset: .eml files in the outbox",
    )
    smtp_port: int = Field(default=587, description="SMTP port (STARTTLS is used when offered)")
    smtp_user: str | None = Field(default=None, description="SMTP user name, if it needs one")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password")
    smtp_from: str = Field(
        default="redovisa@localhost", description="Sender address of the mail to the registrator"
    )
    smtp_timeout_seconds: float = Field(default=30.0, description="Time-out of the SMTP dialogue")
    redovisa_outbox_dir: Path | None = Field(
        default=None,
        description="Folder for .eml files when no SMTP_HOST is set (default: outbox in "
        "REDOVISA_DATA_DIR)",
    )

    @field_validator("telegram_admin_ids", "llm_mask", "reminder_days_before", mode="before")
    @classmethod
    def _split_comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator(
        "telegram_bot_token",
        "openai_api_key",
        "smtp_host",
        "smtp_user",
        "smtp_password",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("redovisa_web_url", mode="before")
    @classmethod
    def _https_web_url(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and not value.strip().lower().startswith("https://"):
            raise ValueError("REDOVISA_WEB_URL måste vara en HTTPS-adress (https://…)")
        return value.strip() if isinstance(value, str) else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _refuse_malformed_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        token = value.get_secret_value().strip()
        if token.lower() in PLACEHOLDER_SECRETS or not TELEGRAM_TOKEN_PATTERN.match(token):
            raise ValueError(
                "TELEGRAM_BOT_TOKEN ser inte ut som en token från BotFather "
                "(siffror, kolon, minst 30 tecken)"
            )
        return SecretStr(token)

    def resolved_log_level(self, *, service: bool, verbose: bool = False) -> str:
        """LOG_LEVEL when set; else DEBUG with --verbose; else INFO for the bot that runs as a
        service and WARNING for the commands an official runs at a terminal."""
        if self.log_level:
            return self.log_level.upper()
        if verbose:
            return "DEBUG"
        return "INFO" if service else "WARNING"

    def resolved_database_url(self) -> str:
        """Return DATABASE_URL, or the SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.redovisa_data_dir / 'redovisa.sqlite3'}"

    def templates_dir(self) -> Path:
        """Return the folder of mall definitions."""
        return self.redovisa_templates_dir or PROMPTS_DIR / "templates"

    def outbox_dir(self) -> Path:
        """Return the folder the mail is written to when no SMTP server is set."""
        return self.redovisa_outbox_dir or self.redovisa_data_dir / "outbox"


def describe_settings() -> str:
    """List every environment variable with its description, for --help and the README."""
    lines = []
    for name, field in Settings.model_fields.items():
        lines.append(f"  {name.upper():28} {field.description or ''}")
    return "\n".join(lines)
