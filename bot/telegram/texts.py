"""What the Telegram adapter itself says; everything about the report comes from the engine."""

from __future__ import annotations

PRIVATE_ONLY = (
    "Hej! Jag hjälper till med återrapporteringar, men bara i en privat chatt, så att "
    "ingen annan ser svaren. Skriv till mig direkt: @{username}"
)
APOLOGY = (
    "Förlåt, något gick fel hos mig. Det du skrivit tidigare är sparat. "
    "Försök igen om en stund, eller skriv /status för att se var du är."
)
FILE_TOO_BIG = (
    "Filen är för stor för mig: jag kan ta emot filer på högst 20 MB. "
    "Spara utkastet som en mindre fil (till exempel DOCX eller PDF utan bilder) och skicka igen."
)
FILE_UNREADABLE = "Jag kunde inte hämta filen från Telegram. Försök skicka den igen."
OLD_BUTTON = "Den knappen gäller inte längre. Skriv /status så visar jag var du är."
EDIT_NOT_TEXT = "Jag kan bara ta emot ändringar av textmeddelanden."

_SEND_TEXT_INSTEAD = " Skriv ditt svar som text, eller skicka ett tidigare utkast som fil."
UNSUPPORTED = {
    "sticker": "Fin dekal! Men jag förstår bara text.",
    "photo": "Jag kan inte läsa bilder.",
    "voice": "Jag kan inte lyssna på röstmeddelanden.",
    "video_note": "Jag kan inte titta på videomeddelanden.",
    "video": "Jag kan inte titta på video.",
    "audio": "Jag kan inte lyssna på ljudfiler.",
    "animation": "Jag kan inte läsa animationer.",
    "location": "Jag behöver ingen plats.",
    "contact": "Jag kan inte ta emot kontakter.",
    "poll": "Jag kan inte svara på omröstningar.",
    "dice": "Jag kan inte spela, tyvärr.",
    "venue": "Jag behöver ingen plats.",
}
UNSUPPORTED_OTHER = "Det där kan jag inte ta emot."


def unsupported(kind: str | None) -> str:
    """A short explanation for a message kind the bot does not handle."""
    return UNSUPPORTED.get(kind or "", UNSUPPORTED_OTHER) + _SEND_TEXT_INSTEAD
