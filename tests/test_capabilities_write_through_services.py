"""A capability app writes only its own models; another app's records change through that app's services.

Referrals, care, MDT meetings, risk, the directory, outcomes and notes talk to one another (and to
people, access and organisations) through each other's `services` (writes) and `queries` (reads),
so the owner's rules and audit apply to every change of its records. This test reads the syntax
tree of every module of those apps and fails on a write to a model imported from another app:
`Model.objects.create(...)`, `Model.objects.filter(...).update(...)`, or `.save()`/`.delete()` on
a variable that holds one of its records (`x = Model.objects.get(...)`, `x = Model(...)`,
`for x in Model.objects...`). Tests, migrations and the synthetic city set data up directly.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.test_writes_live_in_services import (
    ALWAYS_WRITES,
    ONETEAM,
    QUERYSET_RECEIVER,
    QUERYSET_WRITES,
    is_set_up_data,
)

CAPABILITIES = ("referrals", "care", "mdt", "risk", "directory", "outcomes", "notes")


def _imported_models(tree: ast.Module, app: str) -> dict[str, str]:
    """Each name the module binds to a model (or an app's `models` module), and the app it belongs to."""
    owners: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        module = node.module or ""
        if node.level:  # `.models` and `..models` are the module's own app
            owner = app if module.split(".")[-1] == "models" or module.startswith("models") else ""
        elif module.startswith("oneteam.") and module.split(".")[2:3] == ["models"]:
            owner = module.split(".")[1]
        elif module.startswith("oneteam.") and module.count(".") == 1:  # `from oneteam.care import models`
            owner = module.split(".")[1] if any(alias.name == "models" for alias in node.names) else ""
        else:
            owner = ""
        if owner:
            owners.update({alias.asname or alias.name: owner for alias in node.names})
    return owners


def _root(node: ast.expr) -> str:
    """The name an expression starts from: `Episode` for `Episode.objects.filter(...).first()`."""
    while isinstance(node, ast.Call | ast.Attribute | ast.Subscript | ast.Await):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _owner_of(node: ast.expr, owners: dict[str, str]) -> str:
    """The app of the model an expression reads from, if it starts from an imported model (or `models.X`)."""
    return owners.get(_root(node), "")


def _bound_records(scope: ast.AST, owners: dict[str, str]) -> dict[str, str]:
    """Variables in `scope` that hold records of an imported model, and that model's app."""
    records: dict[str, str] = {}
    for node in ast.walk(scope):
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, ast.For | ast.comprehension):
            targets, value = [node.target], node.iter
        if value is None or not (owner := _owner_of(value, owners)):
            continue
        for target in targets:
            # `record, created = Model.objects.get_or_create(...)`: the record is the first name.
            name = target.elts[0] if isinstance(target, ast.Tuple) and target.elts else target
            if isinstance(name, ast.Name):
                records[name.id] = owner
    return records


def foreign_writes(source: str, app: str) -> list[str]:
    """Each write in `source` (a module of `app`) to a model of another OneTeam app, as `line: code`."""
    tree = ast.parse(source)
    owners = _imported_models(tree, app)
    found = []
    scopes = [node for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
    for scope in scopes:
        known = owners | _bound_records(scope, owners)
        for node in ast.walk(scope):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            method, receiver = node.func.attr, node.func.value
            writes = method in ALWAYS_WRITES or (
                method in QUERYSET_WRITES and QUERYSET_RECEIVER.search(ast.unparse(receiver)) is not None
            )
            owner = _owner_of(receiver, known)
            if writes and owner and owner != app:
                found.append(f"{node.lineno}: {ast.unparse(receiver)}.{method}(…) writes {owner}")
    return found


def capability_modules() -> list[tuple[str, Path]]:
    """Every module of the capability apps (services included), with its app."""
    return sorted(
        (app, path)
        for app in CAPABILITIES
        for path in (ONETEAM / app).rglob("*.py")
        if not is_set_up_data(path.relative_to(ONETEAM))
    )


def test_the_check_sees_a_write_to_another_apps_model() -> None:
    module = (
        "from oneteam.access.models import CareTeamMembership\n"
        "from oneteam.people import models as people\n"
        "from ..models import Episode\n"
        "def close(person, staff):\n"
        "    CareTeamMembership.objects.create(person=person, staff=staff)\n"
        "    CareTeamMembership.objects.filter(person=person).update(ended_at=None)\n"
        "    membership = CareTeamMembership.objects.get(pk=1)\n"
        "    membership.save()\n"
        "    people.Condition.objects.filter(person=person).delete()\n"
        "    for other in CareTeamMembership.objects.all():\n"
        "        other.delete()\n"
        "    Episode.objects.create(person=person)\n"
        "    episode = Episode.objects.get(pk=1)\n"
        "    episode.save()\n"
        "    CareTeamMembership.objects.filter(person=person).exists()\n"
    )
    assert [line.split(":")[0] for line in foreign_writes(module, "referrals")] == ["5", "6", "8", "9", "11"]


def test_every_capability_module_is_checked_services_included() -> None:
    names = {str(path.relative_to(ONETEAM)) for _, path in capability_modules()}
    assert {"referrals/services/__init__.py", "risk/services/stratify.py", "care/services.py", "mdt/views.py"} <= names
    assert not any("/tests/" in name or "/migrations/" in name or name.endswith("synthetic.py") for name in names)


def test_no_capability_writes_to_another_apps_model() -> None:
    offences = {
        str(path.relative_to(ONETEAM)): writes
        for app, path in capability_modules()
        if (writes := foreign_writes(path.read_text(), app))
    }
    assert not offences, f"call the owning app's service instead: {offences}"
