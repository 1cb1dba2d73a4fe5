"""What goes into the engine and what comes out, independent of any chat platform."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class UserRef:
    """Who is writing: `external_id` is unique per platform, e.g. `telegram:123456`."""

    external_id: str
    display_name: str
    username: str | None = None  # the platform's @name, when the user has one


@dataclass(frozen=True)
class IncomingFile:
    filename: str
    data: bytes


@dataclass(frozen=True)
class Incoming:
    """One message from the user: text (a command, an answer or a button's data) or a file.

    `message_ref` is the platform's id of the message, so an edit (`edited=True`) can
    find the answer part it belongs to.
    """

    text: str | None = None
    file: IncomingFile | None = None
    message_ref: str | None = None
    edited: bool = False
    delivery_id: int | None = None  # the platform's update id; a redelivery is handled once


class Style(StrEnum):
    PLAIN = "plain"  # ordinary text, also everything the user wrote
    BOLD = "bold"  # the question
    ITALIC = "italic"  # hints
    HEADING = "heading"  # a section title such as "Utkast"


@dataclass(frozen=True)
class Block:
    """One paragraph of a reply in one style. The adapter escapes it for its format."""

    text: str
    style: Style = Style.PLAIN


@dataclass(frozen=True)
class Button:
    """A choice offered to the user; choosing it is the same as sending `command`. A
    button that `opens_web_app` opens the page at the address `command` instead (in
    Telegram a Mini App; elsewhere shown as the address)."""

    label: str
    command: str
    opens_web_app: bool = False


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mime_type: str


@dataclass(frozen=True)
class Reply:
    blocks: tuple[Block, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachments: tuple[Attachment, ...] = ()

    @property
    def plain_text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)


def say(*paragraphs: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> Reply:
    """A reply of plain paragraphs."""
    return Reply(blocks=tuple(Block(p) for p in paragraphs), buttons=buttons)


@dataclass(frozen=True)
class Notice:
    """A reply for another user than the one writing (a coordinator made them responsible),
    delivered to that user's own chat once the turn is committed."""

    recipient_external_id: str
    reply: Reply


def replies_to_json(replies: list[Reply]) -> list[dict[str, Any]]:
    """The replies' text and buttons as JSON (attachments are left out: a document is
    made again by its job)."""
    return [
        {
            "blocks": [[block.text, block.style.value] for block in reply.blocks],
            "buttons": [[[b.label, b.command] for b in row] for row in reply.buttons],
        }
        for reply in replies
    ]


def replies_from_json(data: list[dict[str, Any]]) -> list[Reply]:
    """The replies `replies_to_json` wrote."""
    return [
        Reply(
            blocks=tuple(Block(text, Style(style)) for text, style in item.get("blocks", [])),
            buttons=tuple(
                tuple(Button(label, command) for label, command in row)
                for row in item.get("buttons", [])
            ),
        )
        for item in data
    ]
