"""The rendered documents as the official receives them in the chat, and the word that a
slow part of the installation is not running."""

from __future__ import annotations

from bot.documents.render import RenderedDocuments
from bot.engine.messages import Attachment, Block, Reply, say
from bot.engine.texts import BotTexts

# The words the engine has always used for a port the installation left out.
REVIEW_NOT_RUNNING = "Granskningen är inte igång i den här installationen."
DOCUMENTS_NOT_RUNNING = "Dokumentframställningen är inte igång i den här installationen."


def documents_replies(texts: BotTexts, rendered: RenderedDocuments) -> list[Reply]:
    """The files, and whether they are a draft, with the list of what is still wrong."""
    attachments = tuple(
        Attachment(f.filename, f.content, f.format.media_type) for f in rendered.files
    )
    draft = rendered.document.draft
    if draft is None:
        blocks = say(texts.documents_ready).blocks
    else:
        blocks = (Block(texts.documents_draft), *(Block(f"– {line}") for line in draft.missing))
    return [Reply(blocks, attachments=attachments)]


def not_running(what: str) -> list[Reply]:
    return [say(what)]
