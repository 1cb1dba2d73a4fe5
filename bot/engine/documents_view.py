"""The rendered documents as the official receives them in the chat, and the word that a
slow part of the installation is not running."""

from __future__ import annotations

from bot.documents.render import RenderedDocuments
from bot.engine.messages import Attachment, Reply, say
from bot.engine.texts import BotTexts

# The words the engine has always used for a port the installation left out.
REVIEW_NOT_RUNNING = "Granskningen är inte igång i den här installationen."
DOCUMENTS_NOT_RUNNING = "Dokumentframställningen är inte igång i den här installationen."


def documents_replies(
    texts: BotTexts, rendered: RenderedDocuments, missing_required: list[int]
) -> list[Reply]:
    """The files, and whether they are a draft (with the questions still unanswered)."""
    attachments = tuple(
        Attachment(f.filename, f.content, f.format.media_type) for f in rendered.files
    )
    if missing_required:
        missing = ", ".join(str(n) for n in missing_required)
        text = texts.documents_draft.format(missing=missing)
    else:
        text = texts.documents_ready
    return [Reply(say(text).blocks, attachments=attachments)]


def not_running(what: str) -> list[Reply]:
    return [say(what)]
