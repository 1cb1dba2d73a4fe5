"""The shared floor under the domain: the mall (template model and loader), diarienummer,
Swedish amounts and dates, the data-file loader and the one user-facing error type.

Engine, review, documents and reminders import this package; it imports none of them.
"""
