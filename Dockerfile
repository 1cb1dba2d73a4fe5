# Redovisa's Telegram bot. Build: docker build -t redovisa .
# Run:   docker run -e TELEGRAM_BOT_TOKEN=... -v redovisa-data:/data redovisa
# With PostgreSQL instead of the SQLite file: see compose.yaml.

# Stage 1: build Redovisa's wheel with the locked setuptools (the templates, texts and cue
# words in prompts/ go inside it as package data).
FROM python:3.11-slim-bookworm AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY storage ./storage
COPY prompts ./prompts
RUN pip wheel --no-deps --no-build-isolation --wheel-dir /wheels .

# Stage 2: exactly the locked dependencies and the wheel; no source tree.
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
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY --from=build /wheels /wheels
RUN pip install --no-deps /wheels/redovisa-*.whl && rm -rf /wheels

USER 10001:10001
VOLUME ["/data"]
# Only used in webhook mode (TELEGRAM_WEBHOOK_URL set); polling needs no open port.
EXPOSE 8443

# TELEGRAM_BOT_TOKEN and DATABASE_URL come from the environment; without DATABASE_URL the
# SQLite file is /data/redovisa.sqlite3 on the volume.
ENTRYPOINT ["redovisa"]
CMD ["telegram"]
