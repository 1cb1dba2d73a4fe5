"""The use cases after the signature, on top of the database: for the chat and the CLI.

Each function owns its transactions (it takes the session factory) so that a refusal
changes nothing, and returns what the caller shows: a result with a Swedish message, or
the documents to send. They are the seams for the wiring (not wired here).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bot.arende.loading import find_arende, load_arende
from bot.arende.sending import send_report_once, submission_key
from bot.arende.signed_state import facts_changed_since
from bot.arende.year import build_sammanstallning
from bot.documents.mail import (
    MailSettings,
    SendResult,
    compose_report_mail,
    mail_texts,
    report_recipients,
)
from bot.documents.phrases import SWEDISH_TIME
from bot.documents.sammanstallning import Sammanstallning
from bot.documents.sammanstallning_render import (
    XLSX_MEDIA_TYPE,
    render_sammanstallning_pdf,
    render_sammanstallning_xlsx,
    sammanstallning_file_name,
)
from bot.documents.signer_match import names_match, signature_block_name
from bot.documents.tjansteskrivelse import (
    GivenFacts,
    Tjansteskrivelse,
    TjansteskrivelseFacts,
    build_tjansteskrivelse,
)
from bot.documents.tjansteskrivelse import texts as tjanste_texts
from bot.documents.tjansteskrivelse_llm import DraftSuggestion, draft_suggestion
from bot.documents.tjansteskrivelse_render import (
    DOCX_MEDIA_TYPE,
    render_tjansteskrivelse_docx,
    render_tjansteskrivelse_pdf,
    tjansteskrivelse_file_name,
)
from bot.documents.verify import StoredAnswersLookup, VerificationResult, signed_answers, verify
from bot.mall.case_status import CaseStatus
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog
from bot.review.llm import LlmClient
from bot.review.masking import MaskPolicy
from storage import repository as repo
from storage import submission_repository as submissions
from storage.models import User
from storage.unit_of_work import Sessions, UnitOfWork

SessionMaker = Sessions


def answers_lookup(
    session: Session, allowed_case_numbers: Collection[str] | None = None
) -> StoredAnswersLookup:
    """The stored answers of an ärende by diarienummer (None for an unknown one, and for
    one outside `allowed_case_numbers` when that is given: another user's ärende)."""

    def lookup(case_number: str) -> Mapping[str, str] | None:
        if allowed_case_numbers is not None and case_number not in allowed_case_numbers:
            return None
        case = repo.find_case(session, case_number)
        if case is None:
            return None
        return {k: a.text for k, a in repo.current_answers(session, case.id).items()}

    return lookup


def receive_signed_pdf(
    session_factory: SessionMaker,
    pdf_bytes: bytes,
    now: datetime,
    expected_case_number: str | None = None,
    allowed_case_numbers: Collection[str] | None = None,
) -> VerificationResult:
    """Verify a signed PDF sent back; when valid, keep it and make the ärende "signerad".

    An invalid or unreadable file changes nothing; the result's message says why. With
    `allowed_case_numbers` (the sender's ärenden) any other ärende counts as unknown.
    """
    uow = UnitOfWork.of(session_factory)
    # The check (slow: the signature's cryptography) reads; only keeping the file writes.
    with uow.reading() as session:
        result = verify(
            pdf_bytes, answers_lookup(session, allowed_case_numbers), expected_case_number
        )
    if result.valid and result.case_number:
        case_number = result.case_number

        def keep(session: Session) -> None:
            case = repo.find_case(session, case_number)
            if case is not None:
                submissions.record_signed_report(
                    session, case.id, pdf_bytes, result.signer, result.signed_at, now
                )

        uow.write(keep)
    return result


def looks_signed(pdf_bytes: bytes) -> bool:
    """A quick look, without validating anything: does the PDF hold a signature value (the
    /ByteRange of a signature dictionary)? `verify` decides whether it is a valid one."""
    return b"/ByteRange" in pdf_bytes


def case_recipients(
    session_factory: SessionMaker, case_number: str, catalog: TemplateCatalog
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(to, cc) of the report mail of a stored ärende, as submit_signed_report sends it."""
    with UnitOfWork.of(session_factory).reading() as session:
        case = repo.find_case(session, case_number)
        if case is None:
            return (), ()
        template = catalog.get(case.template_id) if case.template_id in catalog else None
        return report_recipients(case.recipients or [], template)


def verify_file(path: Path, session_factory: SessionMaker | None) -> VerificationResult:
    """`redovisa verify FILE`: check without storing. A file that cannot be read gives the
    unreadable result (exit 2); exit status and JSON: verify.verification_exit(result).
    Without a database (`session_factory` None) the answers are not compared."""
    try:
        content = path.read_bytes()
    except OSError:
        content = b""
    if session_factory is None:
        return verify(content, None)
    with UnitOfWork.of(session_factory).reading() as session:
        return verify(content, answers_lookup(session))


def submit_signed_report(
    session_factory: SessionMaker,
    case_number: str,
    catalog: TemplateCatalog,
    settings: MailSettings,
    clock: Callable[[], datetime],
) -> SendResult:
    """After the official confirms: mail the newest verified signed PDF to the ärende's
    recipients, once (the key is the ärende and the PDF's hash), and mark it "inskickad".
    Refused, changing nothing, when the answers changed after the signature."""
    texts = mail_texts()
    with UnitOfWork.of(session_factory).reading() as session:
        case = repo.find_case(session, case_number)
        signed = submissions.latest_signed_report(session, case.id) if case else None
        if case is None or signed is None:
            raise UserFacingError(texts("not_signed", case_number=case_number))
        arende = load_arende(session, case, catalog)
        if arende.status is CaseStatus.CHANGED_AFTER_SIGNING or facts_changed_since(
            session, case.id, signed.received_at
        ):
            # An answer changed after the signature: the signed PDF says something else.
            raise UserFacingError(texts("changed_after_signing", case_number=case_number))
        to, cc = report_recipients(list(arende.recipients), arende.template)
        mail = compose_report_mail(
            arende.case_number, arende.committee, signer_line(signed.signer, signed.content),
            to, cc, signed.content,
            granted_kr=arende.budget.granted_kr, used_kr=arende.budget.used_kr,
            decided_by=arende.decided_by, report_period=arende.report_period,
        )  # fmt: skip
        case_id, key = case.id, submission_key(case.case_number, signed.sha256)
    return send_report_once(session_factory, settings, case_id, key, mail, clock)


def signer_line(signer: str | None, pdf: bytes) -> str | None:
    """Who signed, as the mail says it: the certificate's name, and the signature block's
    when the two differ (both named, so the registrator sees it)."""
    block = signature_block_name(signed_answers(pdf) or {})
    if signer and block and not names_match(signer, block):
        return str(mail_texts()("signer_and_block", signer=signer, block=block))
    return signer


@dataclass(frozen=True)
class RenderedPair:
    """Two renderings of one document, ready to send or write."""

    files: tuple[tuple[str, str, bytes], ...]  # (file name, media type, content)

    def write_to(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, _media, content in self.files:
            (folder / name).write_bytes(content)
            paths.append(folder / name)
        return paths


def tjansteskrivelse_facts(
    session_factory: SessionMaker,
    case_number: str,
    catalog: TemplateCatalog,
    today: date,
    author: User | None = None,
    given: GivenFacts | None = None,
) -> tuple[int, TjansteskrivelseFacts]:
    """(the ärende's id, the stored facts a tjänsteskrivelse is drafted from, with what the
    official `given` for it on top)."""
    with UnitOfWork.of(session_factory).reading() as session:
        arende = find_arende(session, case_number, catalog)
        if arende is None or arende.template is None:
            raise UserFacingError(tjanste_texts()("unknown_case", case_number=case_number))
        signed_at = arende.signature.signed_at if arende.signature else None
        facts = TjansteskrivelseFacts(
            case_number=arende.case_number,
            template=arende.template,
            answers=dict(arende.answers),
            today=today,
            committee=arende.committee,
            decision_date=arende.decision_date,
            granted_amount_kr=arende.budget.granted_kr,
            used_amount_kr=arende.budget.used_kr,
            perspectives=arende.perspectives,
            author_name=author.display_name if author else None,
            report_date=signed_at.astimezone(SWEDISH_TIME).date() if signed_at else None,
            recipients=arende.recipients,
        )
        return arende.case_id, (given or GivenFacts()).apply(facts)


def tjansteskrivelse_suggestion(
    session_factory: SessionMaker,
    case_number: str,
    catalog: TemplateCatalog,
    today: date,
    client: LlmClient,
    masking: MaskPolicy | None = None,
) -> DraftSuggestion | None:
    """The language model's Sammanfattning and Ärendet for a stored ärende, to offer."""
    case_id, facts = tjansteskrivelse_facts(session_factory, case_number, catalog, today)
    return draft_suggestion(client, facts, case_id=case_id, masking=masking)


def tjansteskrivelse_for_case(
    session_factory: SessionMaker,
    case_number: str,
    catalog: TemplateCatalog,
    today: date,
    author: User | None = None,
    given: GivenFacts | None = None,
    summary_suggestion: str | None = None,
    matter_suggestion: str | None = None,
) -> tuple[Tjansteskrivelse, RenderedPair]:
    """Draft the tjänsteskrivelse of a stored ärende and render it as DOCX and PDF."""
    _case_id, facts = tjansteskrivelse_facts(
        session_factory, case_number, catalog, today, author, given
    )
    doc = build_tjansteskrivelse(facts, summary_suggestion, matter_suggestion)
    return doc, RenderedPair(
        (
            (
                tjansteskrivelse_file_name(doc, "docx"),
                DOCX_MEDIA_TYPE,
                render_tjansteskrivelse_docx(doc),
            ),
            (
                tjansteskrivelse_file_name(doc, "pdf"),
                "application/pdf",
                render_tjansteskrivelse_pdf(doc),
            ),
        )
    )


def sammanstallning_for_year(
    session_factory: SessionMaker,
    year: int,
    catalog: TemplateCatalog,
    today: date,
    coordinator_id: int | None = None,
) -> tuple[Sammanstallning, RenderedPair]:
    """The year's sammanställning, rendered as XLSX and PDF (of the ärenden the
    coordinator may see, when `coordinator_id` is given)."""
    with UnitOfWork.of(session_factory).reading() as session:
        summary = build_sammanstallning(
            session, year, catalog, today, coordinator_id=coordinator_id
        )
    return summary, RenderedPair(
        (
            (
                sammanstallning_file_name(summary, "xlsx"),
                XLSX_MEDIA_TYPE,
                render_sammanstallning_xlsx(summary),
            ),
            (
                sammanstallning_file_name(summary, "pdf"),
                "application/pdf",
                render_sammanstallning_pdf(summary),
            ),
        )
    )
