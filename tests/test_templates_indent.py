"""The NHS.UK macros' `indent` filter: OneTeam's cheaper one gives exactly what Jinja's own gives."""

from __future__ import annotations

import pytest
from django.template import engines
from jinja2.filters import do_indent
from markupsafe import Markup

from oneteam.jinja2 import indent

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
