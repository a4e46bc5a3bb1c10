"""One JSON object a line: the production log format (LOG_FORMAT=json).

Only the standard library here: Django's logging set-up imports this before any app is ready.
"""

from __future__ import annotations

import datetime
import json
import logging
from typing import Any


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON: time, level, logger, message and any `fields` passed as extra."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class WithoutRequestPath(logging.Filter):
    """Withholds the path from Django's own request log lines ("Not Found: /people/4857773456/").

    Django logs every 4xx and 5xx answer with the path asked for, and a path can
    carry a record's id or an NHS number. OneTeam's request log already records
    each answer by route (oneteam/operations/middleware.py), so nothing is lost.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path and isinstance(record.args, tuple):
            record.args = tuple("(path not logged)" if arg == path else arg for arg in record.args)
        return True
