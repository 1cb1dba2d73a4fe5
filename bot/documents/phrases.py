"""Swedish texts of the after-signature parts: prompts/verify.toml, mail.toml,
tjansteskrivelse.toml and sammanstallning.toml.

Each file is declared as a `TextFile` (bot/mall/texts.py), the one way a text with
variables is declared: a missing or unknown key, or a text that leaves out or adds a
variable, stops the program at load with the file and the key named. The modules here
look their texts up by key (`texts("valid", signer=…)`), often from an outcome's name.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from bot.mall.datafiles import PROMPTS_DIR
from bot.mall.dates import format_swedish_date
from bot.mall.texts import Text, TextFile, text

SWEDISH_TIME = ZoneInfo("Europe/Stockholm")


class Phrases:
    """The texts of one file, looked up by key and filled in."""

    def __init__(self, texts: TextFile) -> None:
        self._texts = texts

    def __call__(self, key: str, /, **values: object) -> str:
        """The text `key` with its variables filled; values it does not use are passed over,
        a variable without a value is an error (never an empty gap)."""
        chosen = self._texts[key]
        return chosen.format(**{name: values[name] for name in chosen.variables if name in values})


class VerifyTexts(TextFile):
    """prompts/verify.toml."""

    valid: Text = text("case_number", "signer", "signed_at")
    signer_unknown: Text = text()
    time_unknown: Text = text()
    unreadable: Text = text()
    unsigned: Text = text()
    broken_signature: Text = text()
    changed_after_signing: Text = text()
    no_answers: Text = text()
    other_case: Text = text("found", "expected")
    unknown_case: Text = text("case_number")
    not_compared: Text = text("case_number")
    draft: Text = text("case_number")
    answers_differ: Text = text("case_number", "count")
    signer_mismatch: Text = text("signer", "block")


class MailTexts(TextFile):
    """prompts/mail.toml."""

    subject: Text = text("case_number", "committee")
    subject_no_committee: Text = text("case_number")
    body: Text = text(
        "case_number", "committee", "given_facts", "signer", "granted", "used", "sender_name"
    )
    decided_by: Text = text("body")
    report_period: Text = text("period")
    unknown: Text = text()
    sender_name: Text = text()
    sent_smtp: Text = text("case_number", "to", "copy")
    sent_copy: Text = text("cc")
    sent_outbox: Text = text("to", "path")
    already_sent: Text = text("case_number", "sent_at")
    in_progress: Text = text("case_number")
    no_recipients: Text = text("case_number")
    not_signed: Text = text("case_number")
    changed_after_signing: Text = text("case_number")
    send_failed: Text = text()
    signer_and_block: Text = text("signer", "block")


class TjansteskrivelseTexts(TextFile):
    """prompts/tjansteskrivelse.toml."""

    gap: Text = text("what")
    document_kind: Text = text()
    label_date: Text = text()
    label_reference: Text = text()
    heading_summary: Text = text()
    heading_proposal: Text = text()
    heading_basis: Text = text()
    heading_planning: Text = text()
    heading_send_to: Text = text()
    heading_matter: Text = text()
    heading_responsible: Text = text()
    title: Text = text("committee_case_number")
    granted_sentence: Text = text("committee", "when", "decided_by", "perspectives")
    work_sentence: Text = text("name")
    used_sentence: Text = text("committee", "used", "granted")
    proposal: Text = text("committee")
    basis_self: Text = text()
    basis_report: Text = text("case_number", "date")
    send_to_copy: Text = text("recipient")
    perspective_jamstalldhet: Text = text()
    perspective_antidiskriminering: Text = text()
    perspective_barnratt: Text = text()
    perspective_nationella_minoriteter: Text = text()
    conjunction_and: Text = text()
    what_committee: Text = text()
    what_committee_case_number: Text = text()
    what_decision_time: Text = text()
    what_perspectives: Text = text()
    what_granted: Text = text()
    what_used: Text = text()
    what_report_date: Text = text()
    what_planning: Text = text()
    what_send_to: Text = text()
    what_responsible: Text = text()
    what_reference: Text = text()
    what_reference_title: Text = text()
    what_reference_email: Text = text()
    what_answer: Text = text("question")
    file_stem: Text = text("case_number")
    pdf_footer: Text = text("committee_case_number")
    pdf_footer_unnumbered: Text = text()
    unknown_case: Text = text("case_number")
    gaps_heading: Text = text()
    no_gaps: Text = text()


class SammanstallningTexts(TextFile):
    """prompts/sammanstallning.toml."""

    title: Text = text("year")
    made: Text = text("date")
    state_not_started: Text = text()
    state_in_progress: Text = text()
    state_finished: Text = text()
    state_sent_for_signature: Text = text()
    state_signed: Text = text()
    state_changed_after_signing: Text = text()
    state_submitted: Text = text()
    col_case: Text = text()
    col_committee: Text = text()
    col_perspectives: Text = text()
    col_granted: Text = text()
    col_used: Text = text()
    col_share: Text = text()
    col_state: Text = text()
    col_findings: Text = text()
    unknown: Text = text()
    no_committee: Text = text()
    no_perspectives: Text = text()
    total: Text = text()
    sheet_cases: Text = text()
    sheet_committees: Text = text()
    col_cases: Text = text()
    heading_cases: Text = text()
    heading_committees: Text = text()
    heading_chart: Text = text()
    heading_findings: Text = text()
    chart_granted: Text = text()
    chart_used: Text = text()
    chart_axis: Text = text()
    no_cases: Text = text("year")
    no_findings: Text = text()
    used_unknown_note: Text = text("count")
    col_used_unknown: Text = text()
    remark_late: Text = text("date")
    remark_changed_after_signing: Text = text()
    remark_unanswered: Text = text("count", "total")
    remark_used_unknown: Text = text()
    remark_granted_unknown: Text = text()
    remark_committee_unknown: Text = text()
    remark_overspent: Text = text("used", "granted")
    remark_underspent: Text = text("share", "remaining")
    pdf_footer: Text = text("year")
    file_stem: Text = text("year")


FILES: dict[str, type[TextFile]] = {
    "verify": VerifyTexts,
    "mail": MailTexts,
    "tjansteskrivelse": TjansteskrivelseTexts,
    "sammanstallning": SammanstallningTexts,
}


@cache
def phrases(name: str) -> Phrases:
    """prompts/<name>.toml, loaded and checked once."""
    return Phrases(FILES[name].load(PROMPTS_DIR / f"{name}.toml"))


def swedish_moment(moment: datetime) -> str:
    """26 november 2026 kl. 10.46, in Swedish time."""
    local = moment.astimezone(SWEDISH_TIME) if moment.tzinfo else moment
    return f"{format_swedish_date(local.date())} kl. {local:%H.%M}"
