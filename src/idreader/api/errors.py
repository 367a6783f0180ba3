"""Status codes and messages of the contract. Every failure is raised as ``ApiError``."""

from __future__ import annotations

SUCCESS = 200
NOT_PURCHASED = 301
BLOCKED = 302
INSUFFICIENT = 303
EXPIRED = 304
DAILY_LIMIT = 305
INTERNAL = 11350
EMPTY = 11301
COUNTRY_NOT_OPEN = 11304
PARAM_ERROR = 11340

MESSAGES = {
    SUCCESS: "success",
    NOT_PURCHASED: "Service not purchased",
    BLOCKED: "Traffic blocked",
    INSUFFICIENT: "Traffic insufficient",
    EXPIRED: "Service expired",
    DAILY_LIMIT: "Daily maximum volume reached",
    INTERNAL: "Internal error",
    COUNTRY_NOT_OPEN: "The country partner located is not open",
}


class ApiError(Exception):
    """A contract error answer: ``code`` with its message."""

    def __init__(self, code: int, message: str | None = None) -> None:
        self.code = code
        self.message = message or MESSAGES[code]
        super().__init__(f"{code} {self.message}")

    @classmethod
    def empty(cls, parameter: str) -> ApiError:
        return cls(EMPTY, f"{parameter} empty")

    @classmethod
    def invalid(cls, parameter: str) -> ApiError:
        return cls(PARAM_ERROR, f"{parameter} error")
