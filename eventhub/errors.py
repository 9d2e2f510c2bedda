"""Domain errors raised by services; the web and socket edges turn them into responses."""


class DomainError(Exception):
    """Base class: `message` is shown to the person (already translated)."""

    status = 400

    def __init__(self, message: str, *, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class Invalid(DomainError):
    """The input is wrong; nothing was changed."""

    status = 400


class NotAllowed(DomainError):
    """The person may not do this."""

    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The object changed under the person (stale version, duplicate)."""

    status = 409
