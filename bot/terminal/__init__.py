"""The terminal chat: the same conversation as on Telegram, in a terminal or a script."""
