# Redovisa's Telegram bot. Build: docker build -t redovisa .
# Run:   docker run -e TELEGRAM_BOT_TOKEN=... -v redovisa-data:/data redovisa
# With PostgreSQL instead of the SQLite file: see compose.yaml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PTB_TIMEDELTA=true \
    REDOVISA_DATA_DIR=/data

RUN groupadd --system --gid 10001 redovisa \
    && useradd --system --uid 10001 --gid redovisa --home-dir /app --no-create-home redovisa \
    && mkdir /data \
    && chown 10001:10001 /data

WORKDIR /app

# Installed the way the README installs it: the templates and texts in prompts/ are read
# from beside the package, so the source tree stays where it is.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY storage ./storage
COPY prompts ./prompts
RUN pip install -e .

USER 10001:10001
VOLUME ["/data"]
# Only used in webhook mode (TELEGRAM_WEBHOOK_URL set); polling needs no open port.
EXPOSE 8443

# TELEGRAM_BOT_TOKEN and DATABASE_URL come from the environment; without DATABASE_URL the
# SQLite file is /data/redovisa.sqlite3 on the volume.
ENTRYPOINT ["redovisa"]
CMD ["telegram"]
