"""OneTeam's cheaper ways to draw NHS.UK components give exactly what the components' own macros give."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import engines
from jinja2.filters import do_indent
from markupsafe import Markup

from oneteam.jinja2 import _drawn, indent

TEXTS = [
    "",
    "one line",
    "<div>\n  <p>a & b</p>\n\n</div>\n",
    '<label for="x">Name</label>\n<input id="x" value="&lt;script&gt;">',
    "first\r\nsecond\rthird\n",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("width", [0, 2, 4, "\t", "<b>"])
@pytest.mark.parametrize("first", [False, True])
@pytest.mark.parametrize("blank", [False, True])
def test_indent_gives_jinjas_result_for_markup_and_text(text: str, width: int | str, first: bool, blank: bool) -> None:
    for given in (Markup(text), text):  # noqa: S704 - fixed test strings
        ours, jinjas = indent(given, width, first, blank), do_indent(given, width, first, blank)
        assert ours == jinjas
        assert type(ours) is type(jinjas)


def test_a_field_with_hostile_text_renders_escaped_through_the_indented_macros() -> None:
    """The input macro indents its label, hint and error (`| indent(2)`): typed text stays text."""
    template = '{% from "nhsuk/components/input/macro.jinja" import input %}{{ input(params) }}'
    hostile = "<script>alert(1)</script>"
    params = {"id": "x", "name": "x", "label": {"text": hostile}, "hint": {"text": hostile}, "value": hostile}
    html = engines["jinja2"].from_string(template).render({"params": params})
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3


def _by_macro(name: str, folder: str, params: dict[str, Any]) -> str:
    template = f'{{% from "nhsuk/components/{folder}/macro.jinja" import {name} %}}{{{{ {name}(params) }}}}'
    return str(engines["jinja2"].from_string(template).render({"params": params}))


def _by_component(name: str, params: dict[str, Any]) -> str:
    return str(engines["jinja2"].from_string("{{ component(name, params) }}").render({"name": name, "params": params}))


CHOICES = [{"value": "", "text": "Any"}, {"value": "TU", "text": "Tuesday", "selected": True}]
PARAMS = [
    ("select", "select", {"id": "day", "name": "day", "label": {"text": "Day"}, "items": CHOICES}),
    ("input", "input", {"id": "age", "name": "age", "label": {"text": "Age"}, "value": "", "inputmode": "numeric"}),
    (
        "input",
        "input",
        {"id": "n", "name": "n", "label": {"text": "Name"}, "value": "Ada", "errorMessage": {"text": "x"}},
    ),
    ("textarea", "textarea", {"id": "t", "name": "t", "label": {"text": "Note"}, "value": "", "rows": 4}),
    ("radios", "radios", {"idPrefix": "r", "name": "r", "items": [{"value": 1, "text": "Yes", "checked": True}]}),
    (
        "dateInput",
        "date-input",
        {"id": "d", "namePrefix": "d", "items": [{"name": "day", "value": ""}, {"name": "month", "value": ""}]},
    ),
]


@pytest.mark.parametrize(("name", "folder", "params"), PARAMS)
def test_a_component_is_drawn_as_its_macro_draws_it_the_first_time_and_after(
    name: str, folder: str, params: dict[str, Any]
) -> None:
    expected = _by_macro(name, folder, params)
    assert _by_component(name, params) == expected
    assert _by_component(name, params) == expected


def test_markup_and_text_are_never_mistaken_for_each_other() -> None:
    text = {"id": "x", "name": "x", "label": {"text": "<b>Age</b>"}, "items": CHOICES}
    markup = {**text, "label": {"text": Markup("<b>Age</b>")}}
    assert "&lt;b&gt;Age&lt;/b&gt;" in _by_component("select", text)
    assert "<b>Age</b>" in _by_component("select", markup)
    assert "&lt;b&gt;Age&lt;/b&gt;" in _by_component("select", text)


TYPED = ["Ada", "  spaced  ", "<script>alert(\"x\")</script> & 'quotes'", 72, Markup("<b>kept</b>")]


@pytest.mark.parametrize("value", TYPED)
@pytest.mark.parametrize("name", ["input", "textarea"])
def test_a_typed_value_is_drawn_exactly_as_the_macro_draws_it(name: str, value: object) -> None:
    params = {"id": "v", "name": "v", "label": {"text": "Value"}, "value": value}
    assert _by_component(name, params) == _by_macro(name, name, params)


def test_what_a_person_typed_is_never_kept() -> None:
    _drawn.cache_clear()
    for family_name in ("Okonkwo", "Smith"):
        typed = {"id": "family", "name": "family", "label": {"text": "Family name"}, "value": family_name}
        assert f'value="{family_name}"' in _by_component("input", typed)
    assert _drawn.cache_info().currsize == 1  # one drawing, with a stand-in for the value
    dob = {"id": "dob", "namePrefix": "dob", "items": [{"name": "day", "value": "17"}, {"name": "month", "value": ""}]}
    assert 'value="17"' in _by_component("dateInput", dob)
    assert _drawn.cache_info().currsize == 1
