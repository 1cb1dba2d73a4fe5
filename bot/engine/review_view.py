"""The review as the official reads it in the chat."""

from __future__ import annotations

from bot.engine.messages import Block, Button, Reply, Style
from bot.engine.texts import BotTexts
from bot.mall.template import Template
from bot.review.findings import Severity
from bot.review.service import ReviewResult

# The key in prompts/texts.toml of each severity's label.
SEVERITY_KEYS = {
    Severity.ERROR: "severity_error",
    Severity.WARNING: "severity_warning",
    Severity.INFO: "severity_info",
}
MAX_SHOWN_FINDINGS = 40


def review_replies(
    texts: BotTexts, template: Template, case_number: str, result: ReviewResult
) -> list[Reply]:
    numbers = {q.key: n for n, q in enumerate(template.questions, start=1)}
    blocks = [Block(texts.review_heading.format(case_number=case_number), Style.HEADING)]
    blocks.append(
        Block(texts.review_llm_used if result.llm_used else (result.llm_note or ""), Style.ITALIC)
    )
    if not result.findings:
        blocks.append(Block(texts.review_no_findings))
    else:
        counts = {s: sum(1 for f in result.findings if f.severity is s) for s in Severity}
        blocks.append(
            Block(
                texts.review_counts.format(
                    errors=counts[Severity.ERROR],
                    warnings=counts[Severity.WARNING],
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
                Block(texts.review_more.format(count=len(result.findings) - MAX_SHOWN_FINDINGS))
            )
    if result.readability:
        blocks.append(Block(texts.review_readability_heading, Style.BOLD))
        for key, score in result.readability.items():
            line = texts.readability_line.format(
                n=numbers[key], lix=round(score.lix), label=score.label
            )
            blocks.append(Block(line))
    if result.perspectives:
        blocks.append(Block(texts.review_perspectives_heading, Style.BOLD))
        for seen in result.perspectives.values():
            if seen.count:
                blocks.append(
                    Block(texts.perspective_line.format(label=seen.label, count=seen.count))
                )
            else:
                blocks.append(Block(texts.perspective_missing.format(label=seen.label)))
    buttons = ((Button(texts.button_documents, "/dokument"),),)
    return [Reply(tuple(blocks), buttons)]
