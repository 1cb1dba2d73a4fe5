"""Redovisa: a chat assistant for writing the återrapportering of granted funds."""
