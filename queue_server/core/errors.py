"""Domain errors with a machine code and a message in Vietnamese and English."""

from __future__ import annotations


class DomainError(Exception):
    """A request the queue cannot honour; the API turns it into a 4xx JSON body."""

    status = 409

    def __init__(self, code: str, message_vi: str, message_en: str, *, status: int | None = None) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        if status is not None:
            self.status = status


class NotFound(DomainError):
    """The named service, counter or ticket does not exist."""

    status = 404


class InvalidTransition(DomainError):
    """The ticket or counter is not in a state that allows the action."""

    status = 409
