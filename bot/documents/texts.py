"""The Swedish texts of the documents and of `redovisa render` (prompts/documents.toml)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.mall.datafiles import PROMPTS_DIR
from bot.mall.texts import Text, TextFile, text


class DocumentTexts(TextFile):
    """prompts/documents.toml: fact names, the render command's messages."""

    fact_case_number: Text = text()
    fact_last_reply_date: Text = text()
    fact_recipient: Text = text()
    fact_copy_to: Text = text()
    fact_committee: Text = text()
    fact_decision_date: Text = text()
    fact_granted_amount: Text = text()
    draft_missing_fact: Text = text("fact")
    render_facts_missing: Text = text("facts")
    render_warnings_heading: Text = text()
    render_unassigned_heading: Text = text()
    render_not_a_mall: Text = text("filename", "looks_like")
    render_looks_like_tjansteskrivelse: Text = text()
    render_looks_like_other: Text = text()
    render_unshowable: Text = text("characters")
    confirmed_budget: Text = text("granted", "used", "share", "remaining")
    decided_by_line: Text = text("body")
    report_period_line: Text = text("period")

    def fact_name(self, variable: str) -> str:
        """The Swedish name of a mall variable ("last_reply_date" -> "sista datum …")."""
        return self.get(f"fact_{variable}", variable)


@cache
def document_texts(path: Path | None = None) -> DocumentTexts:
    """Read prompts/documents.toml once; a missing text or a wrong {name} is an error."""
    return DocumentTexts.load(path or PROMPTS_DIR / "documents.toml")
