"""Redovisa: a chat assistant for writing the återrapportering of granted funds."""

from bot.third_party_warnings import silence_known_import_warnings

silence_known_import_warnings()
