"""The review as the official reads it in the chat."""

from __future__ import annotations

import re

from bot.engine.messages import Block, Button, Reply, Style
from bot.engine.texts import BotTexts
from bot.engine.views import counted
from bot.mall.template import Template
from bot.review.findings import Severity
from bot.review.llm_reviewer import NOT_CONFIGURED_MESSAGE
from bot.review.service import ReviewResult

# The key in prompts/texts.toml of each severity's label.
SEVERITY_KEYS = {
    Severity.ERROR: "severity_error",
    Severity.WARNING: "severity_warning",
    Severity.INFO: "severity_info",
}
MAX_SHOWN_FINDINGS = 40
# A setting's name (OPENAI_API_KEY) is for whoever installs the bot, not for the official.
SETTING_NAME = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")


def _llm_line(texts: BotTexts, result: ReviewResult) -> str:
    """Whether the language model read the report, in words an official understands."""
    if result.llm_used:
        return texts.review_llm_used
    note = result.llm_note or ""
    if not note or note == NOT_CONFIGURED_MESSAGE or SETTING_NAME.search(note):
        return texts.review_llm_not_running
    return note


def review_replies(
    texts: BotTexts, template: Template, case_number: str, result: ReviewResult
) -> list[Reply]:
    numbers = {q.key: n for n, q in enumerate(template.questions, start=1)}
    blocks = [Block(texts.review_heading.format(case_number=case_number), Style.HEADING)]
    blocks.append(Block(_llm_line(texts, result), Style.ITALIC))
    if not result.findings:
        blocks.append(Block(texts.review_no_findings))
    else:
        counts = {s: sum(1 for f in result.findings if f.severity is s) for s in Severity}
        blocks.append(
            Block(
                texts.review_counts.format(
                    errors=counts[Severity.ERROR],
                    warnings=counted(texts, "warnings", counts[Severity.WARNING]),
                    infos=counts[Severity.INFO],
                )
            )
        )
        for finding in result.findings[:MAX_SHOWN_FINDINGS]:
            where = (
                texts.finding_where.format(n=numbers[finding.question])
                if finding.question in numbers
                else ""
            )
            line = texts.finding_line.format(
                severity=texts[SEVERITY_KEYS[finding.severity]],
                where=where,
                message=finding.message,
            )
            blocks.append(Block(line))
            if finding.evidence and finding.code != "spelling":
                evidence = texts.finding_evidence.format(evidence=finding.evidence[:300])
                blocks.append(Block(evidence, Style.ITALIC))
        if len(result.findings) > MAX_SHOWN_FINDINGS:
            blocks.append(
                Block(
                    texts.review_more.format(
                        count=counted(texts, "remarks", len(result.findings) - MAX_SHOWN_FINDINGS)
                    )
                )
            )
    # LIX is shown beside a phrasing suggestion, where it helps; not as a bare number here.
    if result.perspectives:
        blocks.append(Block(texts.review_perspectives_heading, Style.BOLD))
        for seen in result.perspectives.values():
            if seen.count:
                blocks.append(
                    Block(
                        texts.perspective_line.format(
                            label=seen.label, count=counted(texts, "times", seen.count)
                        )
                    )
                )
            else:
                blocks.append(Block(texts.perspective_missing.format(label=seen.label)))
    buttons = ((Button(texts.button_documents, "/dokument"),),)
    return [Reply(tuple(blocks), buttons)]
