"""Progress of long commands: a bar on a terminal, plain dated lines in a log (cron mail, a job runner).

A bar redraws one line with carriage returns, which a log file shows as one
unreadable line at the end, if at all. Off a terminal the same progress is
written as a whole line every `LOG_EVERY_SECONDS`, and once at the end.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any, cast

from tqdm import tqdm

LOG_EVERY_SECONDS = 60


class _LogLines(tqdm):  # type: ignore[type-arg]
    """tqdm that writes each update as its own line, for logs."""

    def display(self, msg: str | None = None, pos: int | None = None) -> None:
        self.fp.write(f"{msg or self}\n")
        self.fp.flush()


def progress(iterable: Iterable[Any] | None = None, **kwargs: Any) -> tqdm[Any]:
    """A tqdm progress bar (same arguments) on a terminal; whole lines to standard error elsewhere."""
    kwargs.pop("disable", None)
    if sys.stderr.isatty():
        return cast("tqdm[Any]", tqdm(iterable, **kwargs))
    kwargs.update(file=sys.stderr, mininterval=LOG_EVERY_SECONDS, ascii=True)
    return cast("tqdm[Any]", _LogLines(iterable, **kwargs))
