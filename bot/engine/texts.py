"""The bot's Swedish texts, read from prompts/texts.toml and checked at start-up."""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from bot.config import PROMPTS_DIR
from bot.engine.templates import TemplateError

# Each text and the names it may use; a text using another name is refused at load.
TEXT_VARIABLES: dict[str, tuple[str, ...]] = {
    "welcome": ("name",),
    "welcome_back": ("case_number",),
    "question_counter": ("n", "total"),
    "parts_waiting": ("count",),
    "part_received": ("count",),
    "answer_saved": ("n",),
    "parts_saved": ("n",),
    "answer_kept": ("n",),
    "answer_changed": ("n",),
    "skipped_required": ("n",),
    "draft_heading": ("case_number",),
    "progress": ("answered", "total"),
    "draft_pending_parts": ("count",),
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
    "confirm_discard": ("count",),
    "discarded": ("count",),
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
    "documents_draft": ("missing",),
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
]

_TextsModel = create_model(  # type: ignore[call-overload]
    "_TextsModel",
    __config__=ConfigDict(extra="forbid", frozen=True),
    **{key: (str, ...) for key in TEXT_KEYS},
)


class BotTexts:
    """Attribute access to every text: `texts.welcome.format(name=...)`."""

    def __init__(self, values: dict[str, str]) -> None:
        self._values = values

    def __getattr__(self, key: str) -> str:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None


def load_texts(path: Path | None = None) -> BotTexts:
    """Read the texts file; a missing text or an undeclared {name} stops the program."""
    path = path or PROMPTS_DIR / "texts.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"{path}: kan inte läsas: {exc}") from exc
    try:
        model: BaseModel = _TextsModel.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise TemplateError(f"{path}: {problems}") from exc
    values: dict[str, str] = model.model_dump()
    for key, text in values.items():
        allowed = TEXT_VARIABLES.get(key, ())
        for _, name, _, _ in string.Formatter().parse(text):
            if name is not None and name not in allowed:
                raise TemplateError(f"{path}: {key}: använder {{{name}}}, som inte finns här")
    return BotTexts(values)
