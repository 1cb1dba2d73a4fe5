"""What comes after the signature, as the chat shows it: the texts
(prompts/after_signing.toml, checked at load) and the replies built from the ports' results."""

from __future__ import annotations

from pathlib import Path

from bot.engine.fact_texts import fact_texts
from bot.engine.messages import Attachment, Block, Button, Reply, Style, say
from bot.engine.services import DraftProposal, OutputFile, SignedReportCheck
from bot.mall.datafiles import PROMPTS_DIR
from bot.mall.texts import Text, TextFile, text


class AfterSigningTexts(TextFile):
    """The signed PDF sent back, the mail to the registrator, the tjänsteskrivelse and the
    sammanställning, as the chat says them."""

    not_running: Text = text()
    checking: Text = text("filename")
    nothing_changed: Text = text()
    signed_now: Text = text("case_number")
    send_offer: Text = text("to", "copy")
    send_offer_copy: Text = text("cc")
    send_offer_later: Text = text("case_number")
    button_send: Text = text()
    signer_question: Text = text("signer", "block")
    button_send_right_signer: Text = text()
    which_case: Text = text("command")
    case_not_yours: Text = text("case_number")
    not_signed_yet: Text = text("case_number")
    changed_after_signing: Text = text("case_number")
    facts_changed_before_sending: Text = text("case_number", "facts")
    sending: Text = text("case_number")
    tjanste_started: Text = text("case_number")
    tjanste_ready: Text = text("title")
    tjanste_gaps: Text = text("gaps")
    tjanste_no_gaps: Text = text()
    tjanste_proposal_heading: Text = text()
    tjanste_proposal_summary: Text = text()
    tjanste_proposal_matter: Text = text()
    button_use_proposal: Text = text()
    button_keep_draft: Text = text()
    tjanste_proposal_taken: Text = text("case_number")
    tjanste_proposal_ready: Text = text("title")
    tjanste_proposal_kept: Text = text()
    no_tjanste_proposal: Text = text()
    summary_coordinators_only: Text = text()
    summary_year_invalid: Text = text()
    summary_started: Text = text("year")
    summary_ready: Text = text("year", "count")


def load_after_signing_texts(path: Path | None = None) -> AfterSigningTexts:
    return AfterSigningTexts.load(path or PROMPTS_DIR / "after_signing.toml")


def checked_replies(texts: AfterSigningTexts, check: SignedReportCheck) -> list[Reply]:
    """A valid signed report: what was found, and the offer to send it (one button).
    Anything else: why not, and that nothing changed."""
    if not check.valid or check.case_number is None:
        return [say(check.message, texts.nothing_changed)]
    checked = say(check.message, texts.signed_now.format(case_number=check.case_number))
    if not check.to:
        # Nobody gave a recipient for this ärende: asked for, never taken from the mall.
        return [checked, say(fact_texts().no_recipients.format(case_number=check.case_number))]
    copy = texts.send_offer_copy.format(cc=", ".join(check.cc)) if check.cc else ""
    offer = texts.send_offer.format(to=", ".join(check.to), copy=copy)
    later = texts.send_offer_later.format(case_number=check.case_number)
    if check.signer and check.block_name:
        # The certificate names someone else than the signature block: asked first.
        question = texts.signer_question.format(signer=check.signer, block=check.block_name)
        button = Button(texts.button_send_right_signer, f"/skicka {check.case_number}")
        return [checked, say(question, offer, later, buttons=((button,),))]
    button = Button(texts.button_send, f"/skicka {check.case_number}")
    return [checked, say(offer, later, buttons=((button,),))]


def files_reply(message: str, files: tuple[OutputFile, ...], *more: str) -> Reply:
    """A message (and any more paragraphs) with the files under it."""
    attachments = tuple(Attachment(f.filename, f.data, f.media_type) for f in files)
    return Reply(say(message, *more).blocks, attachments=attachments)


def gaps_text(texts: AfterSigningTexts, gaps: tuple[str, ...]) -> str:
    """Every gap the tjänsteskrivelse left, one per line; or that there is none."""
    if not gaps:
        return texts.tjanste_no_gaps
    return texts.tjanste_gaps.format(gaps="\n".join(f"• {gap}" for gap in gaps))


# What the buttons under the model's proposal send (/tjansteskrivelse with this argument).
USE_PROPOSAL, KEEP_DRAFT = "forslag", "behall"


def proposal_reply(texts: AfterSigningTexts, proposal: DraftProposal) -> Reply:
    """The language model's Sammanfattning and Ärendet, to use or to leave."""
    blocks = (
        Block(texts.tjanste_proposal_heading, Style.BOLD),
        Block(texts.tjanste_proposal_summary, Style.HEADING),
        Block(proposal.summary),
        Block(texts.tjanste_proposal_matter, Style.HEADING),
        *(Block(paragraph) for paragraph in proposal.matter.split("\n\n") if paragraph.strip()),
    )
    buttons = (
        (
            Button(texts.button_use_proposal, f"/tjansteskrivelse {USE_PROPOSAL}"),
            Button(texts.button_keep_draft, f"/tjansteskrivelse {KEEP_DRAFT}"),
        ),
    )
    return Reply(blocks, buttons)
