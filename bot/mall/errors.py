"""The one domain error type: its message is Swedish and safe to show the user."""


class UserFacingError(Exception):
    """Something the user did that cannot be carried out; `message` explains why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
