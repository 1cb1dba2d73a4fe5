"""Is this the signed report of that ärende? A signed PDF checked with pyHanko.

What is checked is integrity and coverage, not trust: the responsible managers sign with
whatever certificate they have (often a self-signed one), so the certificate chain is not
judged. Each signature must be cryptographically intact (its digest and signature match
the signed bytes, checked against the certificate the signature carries), the newest
signature must cover the whole file, and every earlier signature may be followed only by
further signatures or form filling — so bytes changed after signing, or an incremental
update that swaps the attached answers.json, are caught. The attached answers.json (see
model.ATTACHMENT_NAME) must then be a final (not draft) report of the expected ärende and
hold exactly the answers stored for it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from io import BytesIO
from typing import Any

from pyhanko.pdf_utils.generic import ArrayObject, DictionaryObject
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from bot.documents.model import ATTACHMENT_FORMAT, ATTACHMENT_NAME
from bot.documents.phrases import phrases, swedish_moment
from bot.documents.signer_match import names_match, signature_block_name
from bot.documents.text_markup import clean_text

log = logging.getLogger(__name__)

# The stored answers of an ärende by diarienummer; None when no such ärende is known.
StoredAnswersLookup = Callable[[str], Mapping[str, str] | None]

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


class Problem(StrEnum):
    """Why a file is not a valid signed report; also the key of its text in verify.toml."""

    UNREADABLE = "unreadable"
    UNSIGNED = "unsigned"
    BROKEN_SIGNATURE = "broken_signature"
    CHANGED_AFTER_SIGNING = "changed_after_signing"
    NO_ANSWERS = "no_answers"
    OTHER_CASE = "other_case"
    UNKNOWN_CASE = "unknown_case"
    NOT_COMPARED = "not_compared"  # no database here to compare the answers with
    DRAFT = "draft"
    ANSWERS_DIFFER = "answers_differ"


@dataclass(frozen=True)
class SignatureInfo:
    field_name: str
    signer: str | None
    signed_at: datetime | None
    intact: bool
    coverage: str  # pyHanko's SignatureCoverageLevel, by name
    changed_after: str  # ModificationLevel of what later revisions did, by name


@dataclass(frozen=True)
class VerificationResult:
    """What `verify` found. `message` says it in Swedish, for the user."""

    readable: bool
    signed: bool
    intact: bool
    covers_whole_file: bool
    signer: str | None
    signed_at: datetime | None
    answers_match: bool
    case_number: str | None
    draft: bool
    problem: Problem | None
    message: str
    signatures: tuple[SignatureInfo, ...] = ()
    differing_questions: tuple[str, ...] = ()
    # The manager's name in the signature block, and whether the certificate names them
    # (case, accents and middle names aside; signer_match.py); None when not compared.
    signature_block_name: str | None = None
    signer_matches_signature_block: bool | None = None

    @property
    def valid(self) -> bool:
        return self.problem is None

    def exit_status(self) -> int:
        """0 a valid signed report, 1 an invalid one, 2 an unreadable file."""
        if self.problem is Problem.UNREADABLE:
            return EXIT_UNREADABLE
        return EXIT_VALID if self.valid else EXIT_INVALID

    def to_json(self) -> dict[str, Any]:
        """The result as JSON-ready data (what `redovisa verify --json` prints)."""
        return {
            "valid": self.valid,
            "signed": self.signed,
            "intact": self.intact,
            "covers_whole_file": self.covers_whole_file,
            "signer": self.signer,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "answers_match": self.answers_match,
            "case_number": self.case_number,
            "draft": self.draft,
            "problem": self.problem.value if self.problem else None,
            "differing_questions": list(self.differing_questions),
            "signature_block_name": self.signature_block_name,
            "signer_matches_signature_block": self.signer_matches_signature_block,
            "signatures": [
                {
                    "field": s.field_name,
                    "signer": s.signer,
                    "signed_at": s.signed_at.isoformat() if s.signed_at else None,
                    "intact": s.intact,
                    "coverage": s.coverage,
                    "changed_after": s.changed_after,
                }
                for s in self.signatures
            ],
            "message": self.message,
        }


def verification_exit(result: VerificationResult) -> tuple[int, str]:
    """The exit status and the JSON text for the command line (`redovisa verify --json`)."""
    return result.exit_status(), json.dumps(result.to_json(), ensure_ascii=False, indent=2)


def _texts() -> Any:
    return phrases("verify")


def _signer_name(sig: EmbeddedPdfSignature) -> str | None:
    subject = sig.signer_cert.subject.native
    name = subject.get("common_name") or subject.get("organization_name")
    return str(name) if name else None


def _check_signature(sig: EmbeddedPdfSignature) -> SignatureInfo:
    # Trust is not the question (see the module's docstring): the signer's own certificate
    # is the root, so that what is judged is whether the signature matches the bytes.
    context = ValidationContext(trust_roots=[sig.signer_cert], allow_fetching=False)
    status = validate_pdf_signature(sig, signer_validation_context=context)
    diff = status.diff_result
    level = getattr(diff, "modification_level", None)
    changed = level.name if isinstance(level, ModificationLevel) else "OTHER"
    if diff is None and status.coverage is SignatureCoverageLevel.ENTIRE_FILE:
        changed = ModificationLevel.NONE.name
    when = status.signer_reported_dt or sig.self_reported_timestamp
    return SignatureInfo(
        field_name=sig.field_name,
        signer=_signer_name(sig),
        signed_at=when,
        intact=bool(status.intact and status.valid),
        coverage=status.coverage.name if status.coverage else "UNCLEAR",
        changed_after=changed,
    )


def _name_tree_leaves(node: DictionaryObject, depth: int = 0) -> list[tuple[str, Any]]:
    if depth > 20:
        return []
    leaves: list[tuple[str, Any]] = []
    names = node.get("/Names")
    if isinstance(names, ArrayObject):
        for i in range(0, len(names) - 1, 2):
            leaves.append((str(names[i]), names[i + 1].get_object()))
    kids = node.get("/Kids")
    if isinstance(kids, ArrayObject):
        for kid in kids:
            leaves += _name_tree_leaves(kid.get_object(), depth + 1)
    return leaves


def attached_answers(reader: PdfFileReader) -> dict[str, Any] | None:
    """The answers.json attached to the newest revision, parsed; None when there is none."""
    try:
        tree = reader.root["/Names"]["/EmbeddedFiles"]
    except KeyError:
        return None
    for name, spec in _name_tree_leaves(tree):
        if name != ATTACHMENT_NAME:
            continue
        try:
            data = json.loads(spec["/EF"]["/F"].get_object().data.decode("utf-8"))
        except (KeyError, ValueError, UnicodeDecodeError):
            return None
        if isinstance(data, dict) and data.get("format") == ATTACHMENT_FORMAT:
            return data
        return None
    return None


def signed_answers(pdf_bytes: bytes) -> dict[str, str] | None:
    """The answers in the answers.json of a (stored, verified) signed PDF, normalised as
    `verify` compares them; None when the file or its attachment cannot be read."""
    try:
        attached = attached_answers(PdfFileReader(BytesIO(pdf_bytes), strict=False))
    except Exception as exc:  # any parser failure: the answers cannot be known
        log.info("the signed answers could not be read: %s", type(exc).__name__)
        return None
    if attached is None or not isinstance(attached.get("answers"), dict):
        return None
    return _normalised(attached["answers"])


def signed_facts(pdf_bytes: bytes) -> dict[str, str] | None:
    """The facts the signed page printed (DocumentCase.printed_facts, in its answers.json);
    None for a PDF made before they travelled with it, or one that cannot be read."""
    try:
        attached = attached_answers(PdfFileReader(BytesIO(pdf_bytes), strict=False))
    except Exception as exc:  # any parser failure: the facts cannot be known
        log.info("the signed facts could not be read: %s", type(exc).__name__)
        return None
    facts = attached.get("facts") if attached is not None else None
    if not isinstance(facts, dict):
        return None
    return {str(name): str(value) for name, value in facts.items()}


def answers_equal(signed: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """Do two sets of answers say the same, as `verify` compares them?"""
    return _normalised(signed) == _normalised(current)


def _normalised(answers: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for key, value in answers.items():
        text = clean_text(str(value)).strip()
        if text:
            out[str(key)] = text
    return out


def _whole_file(signatures: tuple[SignatureInfo, ...]) -> bool:
    if not signatures or signatures[-1].coverage != SignatureCoverageLevel.ENTIRE_FILE.name:
        return False
    allowed = {ModificationLevel.NONE.name, ModificationLevel.FORM_FILLING.name}
    return all(s.changed_after in allowed for s in signatures)


def verify(
    pdf_bytes: bytes,
    stored_answers_lookup: StoredAnswersLookup | None,
    expected_case_number: str | None = None,
) -> VerificationResult:
    """Check a signed report: signature present, intact, covering the whole file, who signed
    and when, and its answers.json equal to the stored answers of its ärende.

    `expected_case_number` is the ärende the user is working on (in the chat); a PDF of
    another ärende is then refused. Without it (`redovisa verify FILE`) the ärende named
    in the attachment is looked up; with no lookup at all (no database on this machine) the
    signature and the attachment are checked and the answers said to be not compared.
    Nothing is stored here; the caller records a valid
    result (storage.submission_repository.record_signed_report). pyHanko's validation runs
    its own event loop (asyncio.run): call this from a worker thread, as the engine runs,
    never from inside a running event loop.
    """
    texts = _texts()
    facts: dict[str, Any] = {
        "readable": True, "signed": False, "intact": False, "covers_whole_file": False,
        "signer": None, "signed_at": None, "answers_match": False, "case_number": None,
        "draft": False,
    }  # fmt: skip

    def result(problem: Problem | None, **values: object) -> VerificationResult:
        message = texts(problem.value if problem else "valid", **values)
        return VerificationResult(
            **facts, problem=problem, message=message, signatures=signatures, **extra
        )

    signatures: tuple[SignatureInfo, ...] = ()
    extra: dict[str, Any] = {}
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # any parser failure means: not a readable PDF
        log.info("unreadable PDF: %s", type(exc).__name__)
        facts["readable"] = False
        return result(Problem.UNREADABLE)
    if not embedded:
        return result(Problem.UNSIGNED)
    try:
        signatures = tuple(_check_signature(sig) for sig in embedded)
    except Exception as exc:  # a signature pyHanko cannot even read is broken
        log.info("signature could not be validated: %s", type(exc).__name__)
        facts["signed"] = True
        return result(Problem.BROKEN_SIGNATURE)
    newest = signatures[-1]
    facts.update(
        signed=True,
        intact=all(s.intact for s in signatures),
        covers_whole_file=_whole_file(signatures),
        signer=newest.signer,
        signed_at=newest.signed_at,
    )
    if not facts["intact"]:
        return result(Problem.BROKEN_SIGNATURE)
    if not facts["covers_whole_file"]:
        return result(Problem.CHANGED_AFTER_SIGNING)

    try:
        attached = attached_answers(reader)
    except (PdfError, KeyError, TypeError, AttributeError) as exc:  # a broken name tree
        log.info("the attachment could not be read: %s", type(exc).__name__)
        attached = None
    if attached is None or not isinstance(attached.get("answers"), dict):
        return result(Problem.NO_ANSWERS)
    case_number = str(attached.get("case_number") or "")
    facts["case_number"] = case_number or None
    facts["draft"] = bool(attached.get("draft"))
    if expected_case_number is not None and case_number != expected_case_number:
        return result(Problem.OTHER_CASE, found=case_number or "?", expected=expected_case_number)
    if stored_answers_lookup is None:
        return result(Problem.NOT_COMPARED, case_number=case_number or "?")
    stored = stored_answers_lookup(case_number) if case_number else None
    if stored is None:
        return result(Problem.UNKNOWN_CASE, case_number=case_number or "?")
    if facts["draft"]:
        return result(Problem.DRAFT, case_number=case_number)
    signed_answers, stored_answers = _normalised(attached["answers"]), _normalised(stored)
    differing = tuple(
        sorted(
            key
            for key in signed_answers.keys() | stored_answers.keys()
            if signed_answers.get(key) != stored_answers.get(key)
        )
    )
    extra["differing_questions"] = differing
    if differing:
        return result(Problem.ANSWERS_DIFFER, case_number=case_number, count=len(differing))
    facts["answers_match"] = True
    block = signature_block_name(signed_answers)
    extra["signature_block_name"] = block
    if block and newest.signer:
        extra["signer_matches_signature_block"] = names_match(newest.signer, block)
    valid = result(
        None,
        case_number=case_number,
        signer=newest.signer or texts("signer_unknown"),
        signed_at=swedish_moment(newest.signed_at) if newest.signed_at else texts("time_unknown"),
    )
    if extra.get("signer_matches_signature_block") is False:
        remark = texts("signer_mismatch", signer=newest.signer, block=block)
        valid = replace(valid, message=f"{valid.message} {remark}")
    return valid
