"""Answer text into paragraphs, bullet lists and emphasised runs."""

from __future__ import annotations

from bot.documents.model import BulletList, ListItem, Paragraph, Span
from bot.documents.text_markup import clean_line, clean_text, parse_blocks, parse_inline


def test_blank_lines_separate_paragraphs_and_single_newlines_stay_line_breaks() -> None:
    blocks = parse_blocks("Första stycket\nandra raden\n\n\nAndra stycket")
    assert blocks == (
        Paragraph((Span("Första stycket\nandra raden"),)),
        Paragraph((Span("Andra stycket"),)),
    )


def test_the_three_bullet_markers() -> None:
    (intro, bullets) = parse_blocks("Vi har:\n- ett\n• två\n✓ tre\n- ✓ fyra")
    assert intro == Paragraph((Span("Vi har:"),))
    assert isinstance(bullets, BulletList)
    assert [(i.marker, i.spans[0].text) for i in bullets.items] == [
        ("•", "ett"),
        ("•", "två"),
        ("✓", "tre"),
        ("✓", "fyra"),
    ]


def test_a_list_split_by_a_blank_line_stays_one_list_and_text_after_it_is_a_paragraph() -> None:
    blocks = parse_blocks("- ett\n  fortsätter\n\n- två\nEfter listan")
    assert blocks == (
        BulletList((ListItem("•", (Span("ett fortsätter"),)), ListItem("•", (Span("två"),)))),
        Paragraph((Span("Efter listan"),)),
    )


def test_a_dash_inside_a_line_or_a_negative_number_is_not_a_bullet() -> None:
    assert parse_blocks("Budget - 200 000 kr\n-5 kr") == (
        Paragraph((Span("Budget - 200 000 kr\n-5 kr"),)),
    )


def test_italic_bold_and_both() -> None:
    assert parse_inline("a *kursiv* b **fet** c ***båda*** d") == (
        Span("a "),
        Span("kursiv", italic=True),
        Span(" b "),
        Span("fet", bold=True),
        Span(" c "),
        Span("båda", bold=True, italic=True),
        Span(" d"),
    )


def test_nested_emphasis_and_stray_asterisks() -> None:
    assert parse_inline("**fet *och kursiv* fet**") == (
        Span("fet ", bold=True),
        Span("och kursiv", bold=True, italic=True),
        Span(" fet", bold=True),
    )
    assert parse_inline("2 * 3 = 6 och * ensam") == (Span("2 * 3 = 6 och * ensam"),)
    assert parse_inline("**inte stängd") == (Span("**inte stängd"),)


def test_emphasis_may_span_a_line_break() -> None:
    assert parse_inline("**ARBETSMARKNADS- OCH\nSOCIALFÖRVALTNINGEN**") == (
        Span("ARBETSMARKNADS- OCH\nSOCIALFÖRVALTNINGEN", bold=True),
    )


def test_control_characters_are_dropped_and_line_breaks_unified() -> None:
    assert clean_text("a\x00b\x07c\x1bd\x7fe\x9ff\ufffeg\ud800h\r\ni\rj\u2028k\tl") == (
        "abcdefgh\ni\nj\nk l"
    )
    assert clean_line("  Jonas \n Magnusson\x0b ") == "Jonas Magnusson"


def test_empty_text_has_no_blocks() -> None:
    assert parse_blocks("") == ()
    assert parse_blocks(" \n\n \x00 \n") == ()
