"""gunicorn's own error log, without query strings (gunicorn.conf.py sets `logger_class`).

gunicorn writes the URL it was handling when a request fails or its worker is
killed for taking too long ("Error handling request GET /fhir/Patient?name=…"),
and a query string can hold a person's name or NHS number. Every line, and any
traceback with it, keeps the path and has its query string withheld.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

# A "?" straight after a non-space character, and what follows up to a space or quote.
_QUERY_STRING = re.compile(r"(?<=[^\s?])\?[^\s\"'<>]+")
WITHHELD = "?(query not logged)"
# A request gunicorn could not parse is logged with the offending line or header, which may be anything the
# client sent: only the kind of problem is kept.
_INVALID_REQUEST = re.compile(r"^(Invalid request from ip=[^:]*): .*$", re.DOTALL)


def without_query_strings(text: str) -> str:
    """`text` with every URL's query string withheld, and the content of an unparsable request left out."""
    return _QUERY_STRING.sub(WITHHELD, _INVALID_REQUEST.sub(r"\1: (request not logged)", text))


class WithoutQueryStrings(logging.Filter):
    """Rewrites each record's message and traceback with query strings withheld."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = without_query_strings(record.getMessage())
        record.args = ()
        if record.exc_info:
            record.exc_text = without_query_strings(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class PathOnlyLogger(Logger):
    """gunicorn's logger with `WithoutQueryStrings` on its error log."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.addFilter(WithoutQueryStrings())
