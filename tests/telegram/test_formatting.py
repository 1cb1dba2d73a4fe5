"""Reply -> Telegram HTML: escaping, styles, splitting at 4096 on paragraph boundaries."""

from __future__ import annotations

import pytest

from bot.engine.messages import Block, Reply, Style
from bot.telegram.formatting import TEXT_LIMIT, render, split_text, telegram_length
from tests.fakes.bot_api import parse_html


def test_the_question_block_is_bold_and_the_hint_italic() -> None:
    reply = Reply(
        (
            Block("Fråga 3 av 8"),
            Block("Utvecklingsarbetets måluppfyllelse", Style.BOLD),
            Block("Beskriv vad som gjorts", Style.ITALIC),
        )
    )
    assert render(reply) == [
        "Fråga 3 av 8\n\n<b>Utvecklingsarbetets måluppfyllelse</b>\n\n<i>Beskriv vad som gjorts</i>"
    ]


@pytest.mark.parametrize(
    "text",
    ["a < b & c > d", "*fet* _kursiv_ `kod`", "</b><script>alert(1)</script>", "&amp; &lt;", "\"'"],
)
@pytest.mark.parametrize("style", list(Style))
def test_user_text_is_shown_exactly_as_written(text: str, style: Style) -> None:
    (html,) = render(Reply((Block(text, style),)))
    assert parse_html(html) == text


def test_paragraphs_are_kept_whole_when_a_reply_is_split() -> None:
    paragraphs = [f"{n} " + "x" * 1500 for n in range(7)]
    messages = render(Reply(tuple(Block(p) for p in paragraphs)))
    assert [m.split("\n\n") for m in messages] == [paragraphs[0:2], paragraphs[2:4],
                                                   paragraphs[4:6], paragraphs[6:7]]  # fmt: skip


def test_a_reply_exactly_at_the_limit_is_one_message() -> None:
    first, second = "a" * 2000, "b" * (TEXT_LIMIT - 2000 - 2)
    assert render(Reply((Block(first), Block(second)))) == [f"{first}\n\n{second}"]
    assert len(render(Reply((Block(first), Block(second + "c"))))) == 2


def test_escaping_does_not_count_towards_the_limit() -> None:
    text = "&" * TEXT_LIMIT
    (html,) = render(Reply((Block(text),)))
    assert html == "&amp;" * TEXT_LIMIT and parse_html(html) == text


def test_a_paragraph_over_the_limit_is_split_at_lines_then_sentences_then_words() -> None:
    lines = "\n".join(f"Rad {n}: " + "ord " * 50 for n in range(60))
    parts = split_text(lines)
    assert all(telegram_length(p) <= TEXT_LIMIT for p in parts) and len(parts) > 1
    assert all(p.startswith("Rad ") for p in parts)
    sentences = " ".join(f"Mening {n} är här." for n in range(600))
    assert all(p.endswith(".") for p in split_text(sentences))
    words = ("ord " * 3000).strip()
    assert all(p.endswith("ord") for p in split_text(words))
    solid = "x" * 9000
    assert split_text(solid) == ["x" * 4096, "x" * 4096, "x" * 808]


def test_the_limit_counts_utf16_as_telegram_does() -> None:
    emoji = "😀" * 3000  # two UTF-16 units each
    parts = split_text(emoji)
    assert [telegram_length(p) for p in parts] == [4096, 1904]
    assert "".join(parts) == emoji


def test_styled_long_blocks_are_tagged_in_every_part() -> None:
    messages = render(Reply((Block("ord " * 2000, Style.BOLD),)))
    assert len(messages) == 2
    assert all(m.startswith("<b>") and m.endswith("</b>") for m in messages)
    assert all(telegram_length(parse_html(m)) <= TEXT_LIMIT for m in messages)


def test_empty_blocks_are_left_out() -> None:
    assert render(Reply((Block(""), Block("  \n"), Block("Hej")))) == ["Hej"]
    assert render(Reply(())) == []


def test_a_question_heading_goes_with_its_answer_into_the_next_message() -> None:
    answer_one = "Första svaret. " * 240  # about 3 600 characters
    answer_two = "Andra svaret. " * 60
    reply = Reply(
        (
            Block("Utkast", Style.HEADING),
            Block("1. Vid vilken nämnd?", Style.BOLD),
            Block(answer_one.strip()),
            Block("2. Utvecklingsarbetets måluppfyllelse", Style.BOLD),
            Block(answer_two.strip()),
        )
    )
    messages = render(reply)
    assert len(messages) == 2
    assert not messages[0].endswith("</b>"), "no message ends with a heading"
    assert messages[1].startswith("<b>2. Utvecklingsarbetets måluppfyllelse</b>\n\nAndra svaret.")


def test_a_long_answer_starts_in_the_message_of_its_heading() -> None:
    reply = Reply(
        (
            Block("Inledning. " * 300),
            Block("7. Vilket är resultatet i förhållande till budgeten?", Style.BOLD),
            Block("Budgeten. " * 900),
        )
    )
    messages = render(reply)
    assert all(telegram_length(parse_html(m)) <= TEXT_LIMIT for m in messages)
    heading_at = next(i for i, m in enumerate(messages) if "7. Vilket" in m)
    assert "</b>\n\nBudgeten." in messages[heading_at]
