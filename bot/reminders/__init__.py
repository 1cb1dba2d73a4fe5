"""Reminders: when to remind whom, claiming due reminders, sending them through a notifier.

- `schedule`: pure — the moments before a last reply date (14, 7, 2 and 0 days at 09:00
  Europe/Stockholm by default, moved to the previous working day) and the weekly overdue
  reminder after it.
- `service`: the use cases — `plan_case_reminders` when an ärende is registered or its
  deadline changes, `send_due_reminders` / `send_all_due_reminders` for the job.
- `sender`: the `Notifier` port, the rate limiter (Telegram's limits), retrying a 429.
- `texts`: the Swedish texts (data in prompts/reminders.toml).
The `Notifier` for python-telegram-bot lives with the adapter, in `bot/telegram/notifier.py`.
"""
