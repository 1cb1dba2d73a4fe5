"""Tests of the import of an earlier draft (bot.documents.importer)."""
