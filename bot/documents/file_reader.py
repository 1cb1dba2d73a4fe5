"""A file sent in the chat is read in a worker process of its own, with bounds.

Reading a DOCX or a PDF is the one step whose cost the sender chooses: a zip bomb, a PDF
of a thousand pages, a tiny DOCX of endless empty paragraphs. The readers guard what
they can (bot/documents/zip_guard.py counts what a zip really unpacks to), and on top of
that `read_in_worker` runs the reading in a child process (`python -m
bot.documents.file_reader`, the file on its stdin, the text on its stdout) whose address
space and CPU time are capped (resource.setrlimit) and which is killed after `MAX_SECONDS`, so the
worst file costs its sender a refusal and the bot's own process neither memory nor time.

Threads: the Telegram adapter calls `ReadAhead.prepare` on its slow-work pool as soon as
the file is downloaded, before the turn; the engine's import (on the engine's thread,
inside the turn) then finds the text ready in `READ_AHEAD` and never waits for a reader.
A caller without the read-ahead (the terminal chat) gets the same bounded child.
"""

from __future__ import annotations

import hashlib
import pickle
import resource
import subprocess
import sys
import threading
from collections import OrderedDict
from pathlib import PurePath

from bot.documents.import_docx import read_docx
from bot.documents.import_pdf import read_pdf_file
from bot.documents.import_text import FileText, read_text_file
from bot.mall.errors import UserFacingError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
READABLE_SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf"}
MAX_SECONDS = 20.0
MAX_MEMORY_BYTES = 1024 * 1024 * 1024  # the child's whole address space
READ_AHEAD_KEPT = 32
TOO_SLOW = (
    "Filen tog för lång tid att läsa och har inte lästs in. Spara utkastet på nytt "
    "(gärna som PDF) och skicka det igen."
)
TOO_HEAVY = (
    "Filen krävde för mycket minne för att läsas och har inte lästs in. Spara utkastet på "
    "nytt (gärna som PDF) och skicka det igen."
)


def read_file_text(filename: str, data: bytes) -> FileText:
    """The file's text by its format (in this process); UserFacingError when unreadable
    or of a kind that is not read here (the importer names the kinds it takes)."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return FileText(read_text_file(data))
    if suffix == ".docx":
        return read_docx(data)
    if suffix == ".pdf":
        return read_pdf_file(data)
    raise UserFacingError(f"Filtypen ({suffix or 'utan filändelse'}) läses inte in.")


def _serve_one() -> None:
    """The worker's main: cap memory and CPU, read the file from stdin (a pickled
    (filename, bytes)), write the pickled ("read", FileText) or ("refused", message)."""
    resource.setrlimit(resource.RLIMIT_AS, (MAX_MEMORY_BYTES, MAX_MEMORY_BYTES))
    seconds = int(MAX_SECONDS) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    filename, data = pickle.loads(sys.stdin.buffer.read())
    try:
        result: tuple[str, object] = ("read", read_file_text(filename, data))
    except UserFacingError as error:
        result = ("refused", error.message)
    except MemoryError:
        result = ("refused", TOO_HEAVY)
    sys.stdout.buffer.write(pickle.dumps(result))
    sys.stdout.flush()


def read_in_worker(filename: str, data: bytes, max_seconds: float = MAX_SECONDS) -> FileText:
    """`read_file_text` in a bounded child process (a fresh interpreter, so nothing of
    this process's threads or state goes along); blocks the calling thread (never the
    event loop's) until the child answers, fails or is killed."""
    command = [sys.executable, "-m", __name__]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as child:
        try:
            out, _ = child.communicate(pickle.dumps((filename, data)), timeout=max_seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise UserFacingError(TOO_SLOW) from None
    try:
        kind, value = pickle.loads(out)
    except Exception:  # killed by its limits before it could answer
        raise UserFacingError(TOO_HEAVY) from None
    if kind == "refused":
        raise UserFacingError(str(value))
    assert isinstance(value, FileText)
    return value


class ReadAhead:
    """Files read before their turn, by content: the text or the refusal, kept a while."""

    def __init__(self, kept: int = READ_AHEAD_KEPT) -> None:
        self._kept = kept
        self._results: OrderedDict[tuple[str, str], FileText | UserFacingError] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(filename: str, data: bytes) -> tuple[str, str]:
        suffix = PurePath(filename or "").suffix.lower()
        return suffix, hashlib.sha256(data).hexdigest()

    def prepare(self, filename: str, data: bytes) -> None:
        """Read the file in a worker now (a file of a kind not read in is left alone)."""
        if PurePath(filename or "").suffix.lower() not in READABLE_SUFFIXES or not data:
            return
        result: FileText | UserFacingError
        try:
            result = read_in_worker(filename, data)
        except UserFacingError as error:
            result = error
        with self._lock:
            self._results[self._key(filename, data)] = result
            while len(self._results) > self._kept:
                self._results.popitem(last=False)

    def read(self, filename: str, data: bytes) -> FileText:
        """The file's text, as read ahead, or read now in a worker."""
        with self._lock:
            found = self._results.pop(self._key(filename, data), None)
        if found is None:
            return read_in_worker(filename, data)
        if isinstance(found, UserFacingError):
            raise found
        return found


READ_AHEAD = ReadAhead()


if __name__ == "__main__":
    _serve_one()
