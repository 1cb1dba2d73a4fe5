"""The `redovisa` command line: the top layer, which starts the adapters and runs the commands."""

from bot.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
