"""The bot's Swedish texts, read from data files under prompts/ and checked at start-up.

Every text file has a mapping {key: the {names} that text may use}: a file that lacks a
key, has a key the program does not know, or uses an undeclared {name} stops the program
with an error naming the file. prompts/texts.toml holds the conversation's texts,
prompts/coordination.toml the coordinators' (invite, register, overview).
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from bot.engine.texts_understanding import UNDERSTANDING_TEXT_KEYS, UNDERSTANDING_TEXT_VARIABLES
from bot.mall.datafiles import PROMPTS_DIR
from bot.mall.template import TemplateError

# Each text and the names it may use; a text using another name is refused at load.
TEXT_VARIABLES: dict[str, tuple[str, ...]] = {
    "welcome": ("name",),
    "welcome_back": ("case_number",),
    "question_counter": ("n", "total"),
    "parts_waiting": ("parts",),
    "part_received": ("count",),
    "answer_saved": ("n",),
    "parts_saved": ("n",),
    "answer_kept": ("n",),
    "answer_changed": ("n",),
    "skipped_required": ("n",),
    "draft_heading": ("case_number",),
    "progress": ("answered", "total"),
    "draft_pending_parts": ("parts",),
    "all_passed": ("case_number",),
    "choose_template": ("case_number",),
    "unknown_template": ("names",),
    "report_started": ("case_number", "name"),
    "case_exists_resuming": ("case_number",),
    "case_belongs_to_other": ("case_number",),
    "case_not_yours": ("case_number",),
    "report_line": ("case_number", "template", "answered", "total"),
    "now_template": ("case_number",),
    "now_report": ("case_number", "answered", "total"),
    "now_question": ("case_number", "n", "total", "answered", "parts"),
    "which_question": ("total",),
    "which_question_to_edit": ("total",),
    "confirm_discard": ("parts",),
    "discarded": ("parts",),
    "edit_applied_to_answer": ("n", "case_number"),
    "message_too_long": ("length", "limit"),
    "answer_too_long": ("limit",),
    "unknown_command": ("command",),
    "access_granted": ("role",),
    "import_replace_confirm": ("count", "replaced", "case_number"),
    "import_done": ("count", "case_number"),
    "review_started": ("case_number",),
    "suggestion_heading": ("n",),
    "suggestion_lix": ("own", "own_label", "new", "new_label"),
    "suggestion_taken": ("n",),
    "review_heading": ("case_number",),
    "review_counts": ("errors", "warnings", "infos"),
    "review_more": ("count",),
    "perspective_line": ("label", "count"),
    "perspective_missing": ("label",),
    "finding_line": ("severity", "where", "message"),
    "finding_where": ("n",),
    "finding_evidence": ("evidence",),
    "readability_line": ("n", "lix", "label"),
}

TEXT_KEYS = [
    "welcome",
    "welcome_back",
    "help_heading",
    "help_in_words",
    "question_counter",
    "current_answer_heading",
    "replace_or_keep",
    "several_messages_hint",
    "parts_waiting",
    "part_received",
    "answer_saved",
    "parts_saved",
    "answer_kept",
    "answer_changed",
    "nothing_written",
    "skipped_required",
    "already_first",
    "draft_heading",
    "progress",
    "not_answered",
    "draft_pending_parts",
    "all_passed",
    "still_missing",
    "what_now",
    "ask_case_number",
    "choose_template",
    "pick_template_with_buttons",
    "template_out_of_place",
    "unknown_template",
    "report_started",
    "case_exists_resuming",
    "case_belongs_to_other",
    "case_not_yours",
    "no_current_report",
    "no_reports",
    "reports_heading",
    "report_line",
    "now_case_number",
    "now_template",
    "now_confirm",
    "now_nothing",
    "now_report",
    "now_question",
    "not_at_question",
    "which_question",
    "which_question_to_edit",
    "report_open_not_at_question",
    "not_understood",
    "confirm_discard",
    "discarded",
    "kept",
    "cancelled_choice",
    "left_questions",
    "nothing_to_cancel",
    "nothing_to_confirm",
    "answer_yes_or_no",
    "edit_applied_to_parts",
    "edit_applied_to_answer",
    "edit_not_found",
    "empty_message",
    "message_too_long",
    "answer_too_long",
    "control_characters",
    "unknown_command",
    "unsupported_message",
    "import_unavailable",
    "button_done",
    "button_back",
    "button_skip",
    "button_new",
    "button_resume",
    "button_draft",
    "button_review",
    "button_documents",
    "button_yes_discard",
    "button_no_keep",
    "welcome_coordinator",
    "access_needed",
    "access_granted",
    "access_revoked",
    "invite_invalid",
    "already_has_access",
    "import_replace_confirm",
    "import_done",
    "import_unassigned",
    "import_cancelled",
    "import_nothing_found",
    "import_needs_case",
    "button_yes_import",
    "button_no",
    "review_started",
    "documents_started",
    "suggestion_heading",
    "suggestion_lix",
    "button_take_suggestion",
    "button_keep_own",
    "no_suggestion",
    "suggestion_declined",
    "suggestion_taken",
    "suggestion_outdated",
    "review_heading",
    "review_llm_used",
    "review_no_findings",
    "review_counts",
    "review_more",
    "review_readability_heading",
    "review_perspectives_heading",
    "perspective_line",
    "perspective_missing",
    "documents_ready",
    "documents_draft",
    "caption_not_saved",
    "now_registration",
    "severity_error",
    "severity_warning",
    "severity_info",
    "finding_line",
    "finding_where",
    "finding_evidence",
    "readability_line",
]

TEXT_VARIABLES.update(UNDERSTANDING_TEXT_VARIABLES)
TEXT_KEYS.extend(UNDERSTANDING_TEXT_KEYS)

# The coordinators' texts (prompts/coordination.toml): bot/engine/coordination.py,
# registration.py, case_sheet.py and the role names of access.py.
COORDINATION_TEXT_VARIABLES: dict[str, tuple[str, ...]] = {
    "role_official": (),
    "role_coordinator": (),
    "role_admin": (),
    "not_coordinator": (),
    "invite_usage": (),
    "invite_code": ("role", "code"),
    "invite_terms": ("until", "code"),
    "revoke_admin_only": (),
    "revoke_usage": (),
    "revoke_self": (),
    "revoked": ("name", "number"),
    "assign_usage": (),
    "assign_no_case": ("case_number",),
    "assign_who": (),
    "assigned": ("name", "case_number"),
    "users_heading": (),
    "user_line": ("number", "name", "role"),
    "registration_started": (),
    "registration_step": ("n", "total", "prompt"),
    "button_nobody_yet": (),
    "registration_confirm": (),
    "summary_line": ("label", "value"),
    "button_yes_register": (),
    "button_no": (),
    "registration_cancelled": (),
    "registration_yes_or_no": (),
    "registered": ("case_number",),
    "import_coordinators_only": (),
    "import_refused": ("count",),
    "import_more_problems": ("count",),
    "import_done": ("count", "filename"),
    "overview_empty": (),
    "overview_heading": (),
    "overview_more": ("count",),
    "overview_filename": ("date",),
    "overview_line": ("case_number", "state", "deadline", "who"),
    "overview_no_date": (),
    "overview_no_responsible": (),
    "status_not_started": (),
    "status_in_progress": ("answered", "total"),
    "status_finished": (),
    "status_sent_for_signature": (),
    "status_open_findings": ("count",),
    "sheet_title": (),
    "sheet_case_number": (),
    "sheet_committee": (),
    "sheet_template": (),
    "sheet_state": (),
    "sheet_answered": (),
    "sheet_open_findings": (),
    "sheet_deadline": (),
    "sheet_responsible": (),
    "file_wrong_kind": (),
    "file_empty": (),
    "file_missing_columns": ("missing", "columns"),
    "file_too_many_rows": ("count", "limit"),
    "file_xlsx_unreadable": (),
    "row_problem": ("row", "column", "message"),
    "row_duplicate": ("row", "case_number"),
    "prompt_case_number": (),
    "prompt_committee": (),
    "prompt_template_id": (),
    "prompt_granted_amount_kr": (),
    "prompt_perspectives": (),
    "prompt_decision_date": (),
    "prompt_last_reply_date": (),
    "prompt_recipients": (),
    "prompt_responsible_user_id": (),
    "case_already_registered": ("case_number",),
    "committee_invalid": (),
    "template_unknown": ("given", "names"),
    "amount_unreadable": ("given",),
    "amount_not_positive": (),
    "date_unreadable": ("given",),
    "recipients_missing": (),
    "recipients_invalid": ("addresses",),
    "responsible_unknown_number": ("given",),
    "responsible_no_match": ("name",),
    "responsible_many_matches": ("name",),
    "perspective_unknown": ("word",),
    "perspective_jamstalldhet": (),
    "perspective_antidiskriminering": (),
    "perspective_barnratt": (),
    "perspective_nationella_minoriteter": (),
    "perspectives_not_given": (),
    "value_missing": (),
    "responsible_nobody": (),
    "user_shown": ("name", "number"),
    "user_unknown": (),
}


@lru_cache
def _model_for(keys: tuple[str, ...]) -> type[BaseModel]:
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        "_TextsModel",
        __config__=ConfigDict(extra="forbid", frozen=True),
        **{key: (str, ...) for key in keys},
    )
    return model


class BotTexts:
    """Attribute access to every text: `texts.welcome.format(name=...)`."""

    def __init__(self, values: dict[str, str]) -> None:
        self._values = values

    def __getattr__(self, key: str) -> str:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key: str) -> str:
        """A text whose key the program builds: `texts[f"role_{role}"]`."""
        return self._values[key]

    def get(self, key: str, default: str) -> str:
        return self._values.get(key, default)


def load_text_file(path: Path, variables: Mapping[str, tuple[str, ...]]) -> BotTexts:
    """Read a texts file holding exactly the keys of `variables`, each a text that uses only
    its declared {names}; anything else stops the program with an error naming the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"{path}: kan inte läsas: {exc}") from exc
    try:
        model = _model_for(tuple(variables)).model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise TemplateError(f"{path}: {problems}") from exc
    values: dict[str, str] = model.model_dump()
    for key, text in values.items():
        allowed = variables[key]
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text)]
        except ValueError as exc:
            raise TemplateError(f"{path}: {key}: {exc}") from exc
        for name in names:
            if name is not None and name not in allowed:
                raise TemplateError(f"{path}: {key}: använder {{{name}}}, som inte finns här")
    return BotTexts(values)


def load_texts(path: Path | None = None) -> BotTexts:
    """Read the conversation's texts; a missing text or an undeclared {name} stops the program."""
    variables = {key: TEXT_VARIABLES.get(key, ()) for key in TEXT_KEYS}
    return load_text_file(path or PROMPTS_DIR / "texts.toml", variables)


def load_coordination_texts(path: Path | None = None) -> BotTexts:
    """Read the coordinators' texts, checked the same way."""
    return load_text_file(path or PROMPTS_DIR / "coordination.toml", COORDINATION_TEXT_VARIABLES)
