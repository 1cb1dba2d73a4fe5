"""Send a reminder now: the responsible official gets the same text the scheduled
reminders send (bot/reminders/texts.py), through the bot's notifier, so it passes the
bot's one outbound limiter and reaches the Bot API once. A second press within
REPEAT_GUARD is refused, so a double click does not remind twice."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.mall.template import TemplateCatalog
from bot.reminders.sender import Notifier, Outcome, Outgoing, deliver
from bot.reminders.texts import CaseStatus, official_section, pack
from bot.reminders.texts import load_texts as load_reminder_texts
from storage import access_repository as access_repo
from storage import repository as repo
from storage.models import AuditEvent, Case, User

REPEAT_GUARD = timedelta(minutes=1)
SENT, RECENT, NO_RECIPIENT, FAILED, NOT_RUNNING = (
    "skickad", "nyss", "ingen-mottagare", "misslyckades", "ingen-bot",
)  # fmt: skip
OUTCOME_TEXTS = {
    SENT: "Påminnelsen är skickad till den ansvariga.",
    RECENT: "En påminnelse skickades för mindre än en minut sedan; den skickas inte igen.",
    NO_RECIPIENT: "Ärendet har ingen ansvarig som nås i Telegram; ingen påminnelse skickades.",
    FAILED: "Påminnelsen kunde inte skickas just nu. Försök igen om en stund.",
    NOT_RUNNING: "Påminnelser skickas genom Telegram-boten, och den är inte inställd här "
    "(TELEGRAM_BOT_TOKEN saknas).",
}


def prepare(
    session: Session, case_id: int, sender: User, catalog: TemplateCatalog, now: datetime,
    today: date,
) -> tuple[str, Outgoing | None]:  # fmt: skip
    """Claim the sending in the caller's transaction: (outcome so far, message to send)."""
    case = session.get(Case, case_id)
    assert case is not None
    responsible = session.get(User, case.responsible_user_id) if case.responsible_user_id else None
    if (
        responsible is None
        or not responsible.active
        or case.last_reply_date is None
        or not responsible.external_id.startswith("telegram:")
    ):
        return NO_RECIPIENT, None
    last = session.scalar(
        select(AuditEvent.created_at)
        .where(AuditEvent.case_id == case_id, AuditEvent.action == "reminder_sent_now")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if last is not None and last > now - REPEAT_GUARD:
        return RECENT, None
    texts = load_reminder_texts()
    template = catalog.get(case.template_id) if case.template_id in catalog else None
    questions = [q for q in template.questions] if template else []
    answered = {k for k, a in repo.current_answers(session, case_id).items() if a.text.strip()}
    status = CaseStatus(
        case_number=case.case_number,
        committee=case.committee,
        deadline=case.last_reply_date,
        responsible_name=responsible.display_name,
        questions=[q.text for q in questions],
        unanswered=[i for i, q in enumerate(questions) if q.key not in answered],
    )
    text = pack(texts.official_header, [official_section(texts, status, today)],
                texts.official_footer)[0]  # fmt: skip
    access_repo.audit(session, sender, "reminder_sent_now", now, case_id=case_id,
                      recipient_user_id=responsible.id)  # fmt: skip
    return SENT, Outgoing(responsible.external_id, text, ())


async def send(notifier: Notifier, message: Outgoing) -> str:
    outcome = await deliver(notifier, None, message)
    return SENT if outcome is Outcome.SENT else FAILED
