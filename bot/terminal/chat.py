"""Run the conversation over standard input and output.

In a terminal it prompts and shows bold text in bold; lines that arrive together (a
pasted block, blank lines and all) are one message, as they would be in Telegram. With
standard input that is not a terminal it reads one message per line and writes the
replies, so a conversation can be scripted:
`printf '/ny STK-2018-1307\n/mall mall-2019\n' | redovisa chat --user anna`.
A blank line is no message in either mode. `/fil PATH` sends a local file (an earlier
draft to import). The terminal has no buttons: it lists each choice with the command
that makes it, `[Klar: /klar]`.
"""

from __future__ import annotations

import contextlib
import logging
import re
import select
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from bot.engine.conversation import Steps
from bot.engine.messages import Attachment, Block, Incoming, IncomingFile, Reply, Style, UserRef

log = logging.getLogger(__name__)

BOLD, ITALIC, RESET = "\033[1m", "\033[3m", "\033[0m"
SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")

Handler = Callable[[UserRef, Incoming], Steps]
# Lines that follow within this time are the rest of a paste, not a new message.
PASTE_GAP_SECONDS = 0.05
SOMETHING_WENT_WRONG = "Något gick fel här, förlåt. Det du skrivit tidigare är sparat; försök igen."


def format_block(block: Block, styled: bool) -> str:
    if not styled:
        return block.text
    if block.style in (Style.BOLD, Style.HEADING):
        return f"{BOLD}{block.text}{RESET}"
    if block.style is Style.ITALIC:
        return f"{ITALIC}{block.text}{RESET}"
    return block.text


def format_reply(reply: Reply, styled: bool) -> str:
    lines = [format_block(block, styled) for block in reply.blocks]
    for row in reply.buttons:
        lines.append("  ".join(f"[{button.label}: {button.command}]" for button in row))
    return "\n".join(lines)


def save_attachment(attachment: Attachment, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = SAFE_FILENAME.sub("_", attachment.filename).strip("._") or "dokument"
    path = folder / name
    path.write_bytes(attachment.data)
    return path


def run_chat(
    handle: Handler,
    user: UserRef,
    lines: Iterable[str],
    out: TextIO,
    documents_dir: Path,
    interactive: bool,
) -> None:
    """Feed each line to the engine as one message and print what comes back."""
    if interactive:
        _print_replies(handle(user, Incoming(text="/start")).now, out, documents_dir, interactive)
    for line in lines:
        message = line.rstrip("\n")
        if not message.strip():
            continue  # a blank line between paragraphs is no message of its own
        try:
            incoming = incoming_from_line(message)
        except OSError:
            out.write(f"Filen {message[5:].strip()} finns inte eller kan inte läsas.\n\n")
            continue
        try:
            steps = handle(user, incoming)
            _print_replies(steps.now, out, documents_dir, interactive)
            _print_replies(steps.finish(), out, documents_dir, interactive)
        except Exception:  # one failed step must not end the whole chat
            log.exception("the terminal chat could not handle a message")
            _print_replies([Reply((Block(SOMETHING_WENT_WRONG),))], out, documents_dir, interactive)


def incoming_from_line(line: str) -> Incoming:
    """A typed line; `/fil PATH` sends a local file, as attaching one does in Telegram."""
    if line.startswith("/fil "):
        path = Path(line[5:].strip()).expanduser()
        return Incoming(file=IncomingFile(path.name, path.read_bytes()))
    return Incoming(text=line)


def _print_replies(replies: list[Reply], out: TextIO, documents_dir: Path, styled: bool) -> None:
    for reply in replies:
        out.write(format_reply(reply, styled) + "\n")
        for attachment in reply.attachments:
            path = save_attachment(attachment, documents_dir)
            out.write(f"Sparade {attachment.filename} i {path}\n")
        out.write("\n")
    out.flush()


def grouped_lines(
    read_line: Callable[[str], str], more_waiting: Callable[[], bool], prompt: str = "> "
) -> Iterator[str]:
    """Messages from typed lines: the lines that are already waiting when one has been read
    (a paste) join it as one message, blank lines inside kept as paragraph breaks.

    Ends at end of input (Ctrl-D) or Ctrl-C; what was read before that is still sent.
    """
    while True:
        try:
            lines = [read_line(prompt)]
        except (EOFError, KeyboardInterrupt):
            return
        try:
            while more_waiting():
                lines.append(read_line(""))
        except (EOFError, KeyboardInterrupt):
            yield "\n".join(lines)
            return
        yield "\n".join(lines)


def _stdin_has_more(wait_seconds: float = PASTE_GAP_SECONDS) -> bool:
    """Whether more typed input is already waiting (the rest of a paste)."""
    try:
        ready, _, _ = select.select([sys.stdin], [], [], wait_seconds)
    except (OSError, ValueError):  # no select on this kind of input
        return False
    return bool(ready)


def interactive_lines(prompt: str = "> ") -> Iterable[str]:
    """Messages typed at a prompt, a pasted block as one, until Ctrl-D or Ctrl-C."""
    with contextlib.suppress(ImportError):  # not on every platform
        import readline  # noqa: F401  (line editing and history for input())
    yield from grouped_lines(input, _stdin_has_more, prompt)
    print("\nHej då! Allt du skrivit är sparat.")
