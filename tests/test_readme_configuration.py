"""Every setting OneTeam reads from the environment is in the README's configuration table."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# Django's own variable, set by manage.py and wsgi.py rather than by whoever runs OneTeam.
NOT_OURS = {"DJANGO_SETTINGS_MODULE"}


def _is_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def variables_read(source: str) -> set[str]:
    """Names of the environment variables a Python module reads, found in its syntax tree."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = node.func
            reads = (
                isinstance(function, ast.Attribute)
                and (
                    (function.attr in {"get", "setdefault"} and _is_environ(function.value))
                    or function.attr == "getenv"
                )
            ) or (isinstance(function, ast.Name) and function.id.startswith("env_"))
            if reads and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
        if isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.slice, ast.Constant):
            names.add(str(node.slice.value))
    return names - NOT_OURS


def _application_modules() -> list[Path]:
    modules = [path for path in (BASE_DIR / "oneteam").rglob("*.py") if "tests" not in path.parts]
    return [*modules, BASE_DIR / "gunicorn.conf.py"]


def _readme_table_names() -> set[str]:
    readme = (BASE_DIR / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    first_cells = [row.split("|")[1] for row in table.splitlines() if row.startswith("|")]
    return {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}


def test_the_syntax_tree_reader_finds_each_way_of_reading_a_variable() -> None:
    source = 'import os\nos.environ.get("A")\nos.getenv("B")\nos.environ["C"]\nenv_int("D", 1)\nenv_bool("E", True)\n'
    assert variables_read(source) == {"A", "B", "C", "D", "E"}


def test_every_setting_read_from_the_environment_is_in_the_readme_table() -> None:
    read = set().union(*(variables_read(path.read_text()) for path in _application_modules()))
    assert read, "no environment variables found: the reader is broken"
    missing = sorted(read - _readme_table_names())
    assert not missing, f"add these to README.md's configuration table: {missing}"
