"""Writes to the database live in each app's services, and nowhere else.

A view, form, template helper, query module, calculation or management command that wants
to change data calls a service function (in the app's `services.py` or `services/<subject>.py`),
which checks the access policy and writes the audit event. This test reads the syntax tree of
every other module of the apps and fails on a direct ORM write or a raw INSERT/UPDATE/DELETE.
Tests, migrations and the synthetic city set data up directly; the few other exceptions are
listed, each with its reason, in MAY_WRITE_OUTSIDE_SERVICES.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

ONETEAM = Path(settings.BASE_DIR) / "oneteam"
# Methods that always write, whatever they are called on.
ALWAYS_WRITES = {"save", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
# Methods that write when called on a model manager or queryset (`dict.update` does not).
QUERYSET_WRITES = {"create", "update"}
QUERYSET_RECEIVER = re.compile(r"(\bobjects\b|_set\b|\.(filter|exclude|all|select_for_update)\()")
RAW_WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|TRUNCATE)\b", re.IGNORECASE)
# Receivers whose `.save()`/`.delete()` is not a database write, or not where one starts: `super()` is a
# model's or queryset's own override (the guards in `oneteam/writes.py`, the audit log's) passing it on.
NOT_THE_DATABASE = {"request.session", "self.request.session", "bar", "progress", "super()"}


def direct_writes(source: str) -> list[str]:
    """Each direct database write in a module's source, as `line: code`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = ast.unparse(node.func.value)
            method = node.func.attr
            writes = (method in ALWAYS_WRITES and receiver not in NOT_THE_DATABASE) or (
                method in QUERYSET_WRITES and QUERYSET_RECEIVER.search(receiver) is not None
            )
            if writes:
                found.append(f"{node.lineno}: {receiver}.{method}(…)")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and RAW_WRITE.match(node.value):
            found.append(f"{node.lineno}: raw SQL {node.value.strip()[:40]!r}")
    return found


def is_service(relative: Path) -> bool:
    """An app's `services.py`, or any module of its `services/` package."""
    return relative.name == "services.py" or (len(relative.parts) > 2 and relative.parts[1] == "services")


def is_set_up_data(relative: Path) -> bool:
    """Tests, migrations and the synthetic city (the `synthetic` app, each app's `synthetic.py`) load data directly."""
    return (
        "tests" in relative.parts
        or "migrations" in relative.parts
        or relative.parts[0] == "synthetic"
        or relative.name == "synthetic.py"
    )


# Modules outside `services` that write, and why each must. Keep it short: a new entry needs a reason
# a reviewer would accept, and an entry whose module no longer writes fails the test below.
MAY_WRITE_OUTSIDE_SERVICES = frozenset(
    {
        # The append-only audit chain: `append` is the one insert of audit events (each hashed onto the one
        # before), which every service calls; the reset of a synthetic database empties it with SQL.
        "access/audit.py",
        # Reference data shared with the care app's data migration, which passes in its historical models:
        # a service (with live models, audit and access checks) cannot be run inside a migration.
        "care/seed.py",
    }
)


def modules_that_must_not_write() -> list[Path]:
    """Every module of OneTeam's apps that must leave writing to a service."""
    return sorted(
        path
        for path in ONETEAM.rglob("*.py")
        if not is_service(relative := path.relative_to(ONETEAM))
        and not is_set_up_data(relative)
        and str(relative) not in MAY_WRITE_OUTSIDE_SERVICES
    )


def test_the_check_sees_each_kind_of_write() -> None:
    view = (
        "def view(request):\n"
        "    Person.objects.create(name='x')\n"
        "    Referral.objects.filter(pk=1).update(state='closed')\n"
        "    form.save()\n"
        "    episode.referral_set.create()\n"
        "    cursor.execute('UPDATE people_person SET name = %s', ['x'])\n"
        "    context.update(extra)\n"
        "    request.session.save()\n"
        "    super().save()\n"
    )
    assert [line.split(":")[0] for line in direct_writes(view)] == ["2", "3", "4", "5", "6"]


def test_every_module_outside_services_is_checked() -> None:
    names = {str(path.relative_to(ONETEAM)) for path in modules_that_must_not_write()}
    # Views, forms, queries and commands, and every other module of an app: helpers, calculations, pages.
    assert {"people/views.py", "care/forms.py", "referrals/queries.py", "outcomes/experience.py"} <= names
    assert {"risk/efi.py", "access/audit_log.py", "referrals/targets.py", "workspace/queries.py"} <= names
    assert any(name.startswith("risk/management/commands/") for name in names)
    # Services (a module or a package by subject) write; so do the synthetic city, migrations and tests.
    assert not any(name.endswith("services.py") or "/services/" in name for name in names)
    assert not any(name.startswith("synthetic/") or "/migrations/" in name or "/tests/" in name for name in names)
    assert is_service(Path("access/services/consent.py")) and is_service(Path("risk/services.py"))
    assert not is_service(Path("access/consent.py"))


def test_each_module_allowed_to_write_outside_services_still_does() -> None:
    """An entry whose module moved or stopped writing comes off the list, so the list only shrinks."""
    stale = [
        name
        for name in MAY_WRITE_OUTSIDE_SERVICES
        if not (ONETEAM / name).exists() or not direct_writes((ONETEAM / name).read_text())
    ]
    assert not stale, f"take these off MAY_WRITE_OUTSIDE_SERVICES: {stale}"


def test_no_module_outside_services_writes_to_the_database() -> None:
    offences = {
        str(path.relative_to(ONETEAM)): writes
        for path in modules_that_must_not_write()
        if (writes := direct_writes(path.read_text()))
    }
    assert not offences, f"move these writes into the app's services: {offences}"
