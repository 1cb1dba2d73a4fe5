"""The sammanställning's remarks, written for kommunstyrelsen: what is missing or late in
each ärende's report, stated as facts ("Använt belopp är inte redovisat.", "Sista
svarsdag 28 februari 2020 har passerat; redovisningen är inte inskickad."), never as an
instruction to the official (issue 20). The texts are prompts/sammanstallning.toml's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.documents.phrases import phrases
from bot.mall.amounts import format_kronor
from bot.mall.dates import format_swedish_date

LOW_SHARE = 0.9  # less than this share used is worth naming


@dataclass(frozen=True)
class RemarkFacts:
    """What the remarks go by, for one ärende."""

    answered: int
    unanswered_required: int
    questions: int
    granted_kr: int | None
    used_kr: int | None
    committee: str | None
    last_reply_date: date | None
    submitted: bool
    changed_after_signing: bool
    today: date


def board_remarks(facts: RemarkFacts) -> list[str]:
    """What is missing or late, most important first; [] for a report not begun (its
    state already says so) and for a complete one."""
    t = phrases("sammanstallning")
    remarks: list[str] = []
    late = (
        facts.last_reply_date is not None
        and facts.last_reply_date < facts.today
        and not facts.submitted
    )
    if late and facts.last_reply_date is not None:
        remarks.append(t("remark_late", date=format_swedish_date(facts.last_reply_date)))
    if facts.changed_after_signing:
        remarks.append(t("remark_changed_after_signing"))
    if not facts.answered:
        return remarks
    if facts.unanswered_required:
        remarks.append(
            t("remark_unanswered", count=facts.unanswered_required, total=facts.questions)
        )
    if facts.used_kr is None:
        remarks.append(t("remark_used_unknown"))
    if facts.granted_kr is None:
        remarks.append(t("remark_granted_unknown"))
    if facts.committee is None:
        remarks.append(t("remark_committee_unknown"))
    if facts.used_kr is not None and facts.granted_kr:
        if facts.used_kr > facts.granted_kr:
            remarks.append(
                t(
                    "remark_overspent",
                    used=format_kronor(facts.used_kr),
                    granted=format_kronor(facts.granted_kr),
                )
            )
        elif facts.used_kr < LOW_SHARE * facts.granted_kr:
            remarks.append(
                t(
                    "remark_underspent",
                    share=round(100 * facts.used_kr / facts.granted_kr),
                    remaining=format_kronor(facts.granted_kr - facts.used_kr),
                )
            )
    return remarks
