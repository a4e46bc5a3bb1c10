"""Core records refuse writes from anywhere but a service.

A person, a referral and a care plan are changed only through their app's services
(which ask the access policy and audit), so a view, form or command that writes one
directly fails loudly in development and tests instead of skipping the rules.
The check looks at which module made the call: cheap (a few frames) and it needs no
cooperation from the caller.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models

# Modules that may write core records: each app's services (module or package), the
# synthetic city and its generators, tests, and benchmarks' own set-up.
_MAY_WRITE = re.compile(
    r"^(oneteam\.\w+\.(services|synthetic)(\.|$)|oneteam\.synthetic\.|oneteam\.\w+\.tests\.|tests\.|bench\.|conftest$)"
)


class WriteOutsideServices(RuntimeError):
    """A core record was written from a module that is not a service."""


def _writer(skip: str) -> str:
    """The module that asked for the write: the first caller outside Django, this module and `skip`."""
    frame = sys._getframe(2)
    while frame is not None:
        module = str(frame.f_globals.get("__name__", ""))
        if module != __name__ and module != skip and not module.startswith("django."):
            return module
        frame = frame.f_back  # type: ignore[assignment]
    return ""


def check_writer(model: type[models.Model], may_write: re.Pattern[str] = _MAY_WRITE, by: str = "services") -> None:
    """Refuse the write unless a module matching `may_write` asked for it (by default: a service, the synthetic
    city, a test or a benchmark); `by` names who may, in the refusal.
    """
    writer = _writer(skip=model.__module__)
    if not may_write.match(writer):
        raise WriteOutsideServices(
            f"{model.__name__} records are written only through {by}; {writer or 'unknown code'} tried."
        )


_Model = TypeVar("_Model", bound=models.Model)


class GuardedQuerySet(models.QuerySet[_Model]):
    """Bulk writes of a core record also come only from services."""

    def update(self, **kwargs: Any) -> int:
        check_writer(self.model)
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        check_writer(self.model)
        return super().delete()

    def bulk_create(self, objs: Iterable[_Model], *args: Any, **kwargs: Any) -> list[_Model]:
        check_writer(self.model)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Iterable[_Model], fields: Any, *args: Any, **kwargs: Any) -> int:
        check_writer(self.model)
        return super().bulk_update(objs, fields, *args, **kwargs)


class ServiceWrittenModel(models.Model):
    """Base for core records: `save` and `delete` check who is writing.

    Each subclass also sets `objects = GuardedQuerySet.as_manager()`, so its bulk writes are checked too.
    """

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        check_writer(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        check_writer(type(self))
        return super().delete(*args, **kwargs)
