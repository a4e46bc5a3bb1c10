"""Writes to the database live in each app's services, not in views, forms, queries or commands.

A view, form, template helper, query module or management command that wants to change
data calls a service function, which checks the access policy and writes the audit event.
This test reads the syntax tree of every such module and fails on a direct ORM write or
a raw INSERT/UPDATE/DELETE.
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
# Receivers whose `.save()`/`.delete()` is not a database write.
NOT_THE_DATABASE = {"request.session", "self.request.session", "bar", "progress"}


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


def _is_outside_services(path: Path) -> bool:
    """Views, forms, template helpers, query modules and management commands."""
    name = path.name
    return (
        name.startswith(("views", "forms", "queries", "api"))
        or name.endswith("_forms.py")
        or name in {"context_processors.py", "jinja2.py", "decorators.py", "web.py"}
        or "templatetags" in path.parts
        or ("management" in path.parts and "commands" in path.parts)
    )


def modules_that_must_not_write() -> list[Path]:
    """Every module of OneTeam's that must leave writing to a service."""
    return sorted(
        path
        for path in ONETEAM.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts and _is_outside_services(path)
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
    )
    assert [line.split(":")[0] for line in direct_writes(view)] == ["2", "3", "4", "5", "6"]


def test_the_modules_checked_include_views_forms_queries_and_commands() -> None:
    names = {str(path.relative_to(ONETEAM)) for path in modules_that_must_not_write()}
    assert {"people/views.py", "care/forms.py", "referrals/queries.py"} <= names
    assert any(name.startswith("risk/management/commands/") for name in names)
    assert not any(name.endswith("services.py") for name in names)


def test_no_view_form_query_or_command_writes_to_the_database() -> None:
    offences = {
        str(path.relative_to(ONETEAM)): writes
        for path in modules_that_must_not_write()
        if (writes := direct_writes(path.read_text()))
    }
    assert not offences, f"move these writes into a service function: {offences}"
