"""The Swedish texts of the ärende's facts in the chat (prompts/facts.toml)."""

from __future__ import annotations

from functools import lru_cache

from bot.mall.datafiles import PROMPTS_DIR
from bot.mall.texts import Text, TextFile, text


class FactTexts(TextFile):
    heading: Text = text("case_number")
    line: Text = text("label", "value", "source")
    line_missing: Text = text("label")
    how_to_correct: Text = text()
    coordinator_hint: Text = text("case_number")
    read_back_heading: Text = text("case_number")
    read_back_line: Text = text("label", "value")
    read_back_was: Text = text("label", "value", "previous")
    read_back_question: Text = text()
    unreadable: Text = text("sentence")
    nothing_read: Text = text("given", "how")
    kept: Text = text("case_number", "facts")
    kept_by_coordinator: Text = text("case_number", "facts")
    not_kept: Text = text()
    button_yes: Text = text()
    button_no: Text = text()
    yes_or_no: Text = text()
    registered_outranks: Text = text("label", "case_number", "value")
    no_case: Text = text()
    no_such_case: Text = text("case_number")
    history_line: Text = text("label", "values")
    resume: Text = text()
    from_file: Text = text("case_number")
    source_registration: Text = text("name")
    source_coordinator: Text = text("name")
    source_official: Text = text("name")
    source_file: Text = text("name")
    source_mall: Text = text("name")
    source_ledger: Text = text("name")
    source_mall_text: Text = text()
    source_answer: Text = text()
    source_unknown: Text = text()
    label_committee: Text = text()
    label_decided_by: Text = text()
    label_decision_date: Text = text()
    label_granted_amount_kr: Text = text()
    label_last_reply_date: Text = text()
    label_recipient: Text = text()
    label_copy_to: Text = text()
    label_report_period: Text = text()
    committee_near_miss: Text = text("given", "name")
    button_committee_yes: Text = text("name")
    committee_unknown: Text = text("given")
    send_to: Text = text("to")
    send_copy: Text = text("cc")
    send_no_copy: Text = text()
    no_recipients: Text = text("case_number")
    changed_before_signing: Text = text("case_number")
    changed_after_signed: Text = text("case_number")
    changed_after_sent: Text = text("case_number")

    def label(self, name: str) -> str:
        return str(self[f"label_{name}"])


@lru_cache(maxsize=1)
def fact_texts() -> FactTexts:
    return FactTexts.load(PROMPTS_DIR / "facts.toml")
