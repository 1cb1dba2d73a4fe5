"""The replies that show a report: a question to answer, the draft, the list of ärenden."""

from __future__ import annotations

from bot.engine.messages import Block, Button, Reply, Style
from bot.engine.services import PhrasingProposal
from bot.engine.texts import BotTexts
from bot.mall.template import Template
from bot.review.readability import readability
from storage.repository import CurrentAnswer

Answers = dict[str, CurrentAnswer]


def counted(texts: BotTexts, noun: str, count: int) -> str:
    """The number with the noun in the right form: "1 del", "3 delar" (texts `{noun}_one`
    and `{noun}_many` in prompts/texts.toml)."""
    return texts[f"{noun}_one" if count == 1 else f"{noun}_many"].format(count=count)


def answered_count(template: Template, answers: Answers) -> int:
    return sum(1 for q in template.questions if q.key in answers and answers[q.key].text.strip())


def first_unanswered(template: Template, answers: Answers, start: int = 0) -> int | None:
    """The first question from `start` without an answer, wrapping around; None if all are."""
    count = len(template.questions)
    for offset in range(count):
        index = (start + offset) % count
        key = template.questions[index].key
        if key not in answers or not answers[key].text.strip():
            return index
    return None


def question_prompt(
    texts: BotTexts,
    template: Template,
    index: int,
    answers: Answers,
    parts_so_far: int = 0,
    prefix: str | None = None,
) -> Reply:
    """ "Fråga 3 av 8", the question in bold, its hint, and the current answer if any."""
    question = template.questions[index]
    blocks: list[Block] = []
    if prefix:
        blocks.append(Block(prefix))
    blocks.append(Block(texts.question_counter.format(n=index + 1, total=len(template.questions))))
    blocks.append(Block(question.text, Style.BOLD))
    blocks.append(Block(question.hint, Style.ITALIC))
    current = answers.get(question.key)
    if current and current.text.strip():
        blocks.append(Block(texts.current_answer_heading))
        blocks.append(Block(current.text))
        blocks.append(Block(texts.replace_or_keep))
    elif question.kind.collects_several_messages:
        blocks.append(Block(texts.several_messages_hint))
    if parts_so_far:
        blocks.append(
            Block(texts.parts_waiting.format(parts=counted(texts, "parts", parts_so_far)))
        )
    buttons: list[tuple[Button, ...]] = []
    if parts_so_far:
        buttons.append((Button(texts.button_done, "/klar"),))
    navigation = []
    if index > 0:
        navigation.append(Button(texts.button_back, "/tillbaka"))
    navigation.append(Button(texts.button_skip, "/hoppa"))
    buttons.append(tuple(navigation))
    return Reply(blocks=tuple(blocks), buttons=tuple(buttons))


def draft_view(
    texts: BotTexts, template: Template, case_number: str, answers: Answers, pending_parts: int
) -> Reply:
    """The whole report so far, question by question."""
    done = answered_count(template, answers)
    blocks = [
        Block(texts.draft_heading.format(case_number=case_number), Style.HEADING),
        Block(texts.progress.format(answered=done, total=len(template.questions))),
    ]
    for number, question in enumerate(template.questions, start=1):
        blocks.append(Block(f"{number}. {question.text}", Style.BOLD))
        current = answers.get(question.key)
        if current and current.text.strip():
            blocks.append(Block(current.text))
        else:
            blocks.append(Block(texts.not_answered, Style.ITALIC))
    if pending_parts:
        blocks.append(
            Block(
                texts.draft_pending_parts.format(parts=counted(texts, "parts", pending_parts)),
                Style.ITALIC,
            )
        )
    return Reply(blocks=tuple(blocks))


def completion_view(
    texts: BotTexts, template: Template, case_number: str, answers: Answers
) -> Reply:
    """What the user sees when the last question is passed."""
    missing = [
        f"{i}. {q.text}"
        for i, q in enumerate(template.questions, start=1)
        if q.required and not (q.key in answers and answers[q.key].text.strip())
    ]
    blocks = [Block(texts.all_passed.format(case_number=case_number))]
    if missing:
        blocks.append(Block(texts.still_missing))
        blocks.extend(Block(line) for line in missing)
    blocks.append(Block(texts.what_now))
    buttons = (
        (Button(texts.button_draft, "/utkast"), Button(texts.button_review, "/granska")),
        (Button(texts.button_documents, "/dokument"),),
    )
    return Reply(blocks=tuple(blocks), buttons=buttons)


def suggestion_view(
    texts: BotTexts, number: int, original: str, proposal: PhrasingProposal
) -> Reply:
    """The language model's phrasing beside the official's own, with LIX for both."""
    blocks = [
        Block(texts.suggestion_heading.format(n=number), Style.BOLD),
        Block(proposal.suggestion),
    ]
    if proposal.explanation:
        blocks.append(Block(proposal.explanation, Style.ITALIC))
    own, new = readability(original), readability(proposal.suggestion)
    if own and new:
        blocks.append(
            Block(
                texts.suggestion_lix.format(
                    own=round(own.lix), own_label=own.label, new=round(new.lix), new_label=new.label
                )
            )
        )
    buttons = (
        (
            Button(texts.button_take_suggestion, "/forslag ja"),
            Button(texts.button_keep_own, "/forslag nej"),
        ),
    )
    return Reply(tuple(blocks), buttons)
