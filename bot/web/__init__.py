"""The coordinators' dashboard: a Starlette app with Jinja2 pages and SVG bars, opened as a
Telegram Mini App from /oversikt's button, or locally with a one-time link
(`redovisa web --open --as NAME`). An adapter beside bot.telegram and bot.terminal: it turns
requests into reads of the engine's coordinator view and sends what comes back."""
