"""The Jinja2 environment: our templates first, then the NHS.UK component macros.

Also the small helpers that turn Django form fields into the parameters the
NHS.UK macros expect, so templates stay free of logic.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.messages import get_messages
from django.forms import BaseForm, BoundField
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader
from jinja2.filters import do_indent
from markupsafe import Markup, escape

from oneteam.people.nhs_number import format_nhs_number
from oneteam.submissions.services import FIELD, new_key


def nhs_date(value: datetime.date | None) -> str:
    """Dates as the NHS.UK style guide writes them: 3 March 2026 (a date and time is shown in local time)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}" if value else ""


def nhs_datetime(value: datetime.datetime | None) -> str:
    """Date and time as the NHS.UK style guide writes them: 3 March 2026 at 2:05pm (local time)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{nhs_date(local.date())} at {local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def field(bound: BoundField, **extra: Any) -> dict[str, Any]:
    """Parameters for an NHS.UK input/select/radios macro from a bound Django form field."""
    params: dict[str, Any] = {
        "id": bound.id_for_label,
        "name": bound.html_name,
        "label": {"text": bound.label},
        "value": bound.value() or "",
    }
    return _with_hint_and_error(params, bound, extra)


def _with_hint_and_error(params: dict[str, Any], bound: BoundField, extra: dict[str, Any]) -> dict[str, Any]:
    """Add the field's hint and first error, then the caller's own parameters, which win."""
    if bound.help_text:
        params["hint"] = {"text": str(bound.help_text)}
    if bound.errors:
        params["errorMessage"] = {"text": bound.errors[0]}
    params.update(extra)
    return params


def date_input(bound: BoundField) -> dict[str, Any]:
    """Parameters for the NHS.UK date input macro from a bound `oneteam.forms.DateField`: the three boxes
    (`<name>_day`, `_month`, `_year`) with what was typed, or the initial date, and the field's error.
    """
    value = bound.value()
    typed = bound.field.widget.decompress(value) if isinstance(value, datetime.date) else value
    typed = typed if isinstance(typed, list | tuple) else [None, None, None]
    items = [
        {
            "id": f"{bound.auto_id}_{part}",
            "name": f"{bound.html_name}_{part}",
            "label": part.capitalize(),
            "width": width,
            "value": "" if part_value is None else str(part_value),
        }
        for part, width, part_value in zip(("day", "month", "year"), (2, 2, 4), typed, strict=True)
    ]
    params: dict[str, Any] = {
        "id": bound.auto_id,
        "fieldset": {"legend": {"text": bound.label, "size": "s"}},
        "items": items,
    }
    return _with_hint_and_error(params, bound, {})


def anchor(bound: BoundField) -> str:
    """The id the error summary links to. Radios and checkboxes have no single id, so use their prefix."""
    return bound.id_for_label or f"id_{bound.html_name}"


def choices(bound: BoundField, **extra: Any) -> dict[str, Any]:
    """Parameters for the NHS.UK radios or checkboxes macro from a bound choice field."""
    value = bound.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    params: dict[str, Any] = {
        "idPrefix": anchor(bound),
        "name": bound.html_name,
        "fieldset": {"legend": {"text": bound.label, "size": "s"}},
        "items": [{"value": key, "text": label, "checked": str(key) in chosen} for key, label in bound.field.choices],  # type: ignore[attr-defined]
    }
    return _with_hint_and_error(params, bound, extra)


def select_items(bound: BoundField) -> list[dict[str, Any]]:
    """Options for the NHS.UK select macro from a bound choice field."""
    chosen = str(bound.value() or "")
    return [{"value": key, "text": label, "selected": str(key) == chosen} for key, label in bound.field.choices]  # type: ignore[attr-defined]


def error_summary(form: BaseForm) -> list[dict[str, str]]:
    """The error summary list: each problem links to the field it is about."""
    items: list[dict[str, str]] = []
    for name, errors in form.errors.items():
        href = f"#{anchor(form[name])}" if name in form.fields else "#maincontent"
        items.extend({"text": str(error), "href": href} for error in errors)
    return items


def submission_input() -> Markup:
    """The hidden field that makes a create form save once however often it is sent (`web.save_once`)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, new_key())


def _app_template_dirs() -> list[str]:
    """Each OneTeam app keeps its templates in `<app>/templates/<app>/`."""
    folders = (
        Path(config.path) / "templates" for config in apps.get_app_configs() if config.name.startswith("oneteam.")
    )
    return [str(folder) for folder in folders if folder.is_dir()]


def indent(text: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    """Jinja's own `indent` filter, with the same result, made cheap for markup.

    The NHS.UK macros indent each nested component's HTML to pretty-print the page. Jinja does that to markup
    one line at a time as `Markup`, escaping as it goes, and that was most of the cost of a form field (about
    a third of a page with a date input). Markup is already safe, so its lines are indented as plain text and
    the whole marked safe once: the same characters.
    """
    if isinstance(text, Markup):
        return Markup(do_indent(str(text), width, first, blank))  # noqa: S704 - indenting safe markup keeps it safe
    return do_indent(text, width, first, blank)


# The NHS.UK form components OneTeam draws through `component`: macro name, and the folder its template is in.
COMPONENTS = {
    "input": "input",
    "select": "select",
    "textarea": "textarea",
    "radios": "radios",
    "checkboxes": "checkboxes",
    "dateInput": "date-input",
}


def _frozen(value: Any) -> Hashable:
    """Component parameters as a hashable value, each part tagged with its type: `True` is not `1`, a dict is not
    a list of pairs, and markup (drawn as it is) is not text (escaped)."""
    if isinstance(value, Markup):
        return ("markup", str(value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(key), _frozen(item)) for key, item in value.items())))
    if isinstance(value, list | tuple):
        return ("list", tuple(_frozen(item) for item in value))
    return (type(value).__name__, value)


def _thawed(frozen: Any) -> Any:
    kind, value = frozen
    if kind == "markup":
        return Markup(value)  # noqa: S704 - it was markup when frozen
    if kind == "dict":
        return {key: _thawed(item) for key, item in value}
    if kind == "list":
        return [_thawed(item) for item in value]
    return value


def _draw(env: Environment, name: str, params: dict[str, Any]) -> Markup:
    macro = getattr(env.get_template(f"nhsuk/components/{COMPONENTS[name]}/macro.jinja").module, name)
    return Markup(macro(params))  # noqa: S704 - a macro's own output


@functools.lru_cache(maxsize=4096)
def _drawn(env: Environment, name: str, frozen: Hashable) -> Markup:
    """`_draw`, kept for the next time the same parameters come."""
    return _draw(env, name, _thawed(frozen))


# Stands in for what a person typed while a component is drawn, so the drawing can be kept without it.
_TYPED = "oneteamTypedValue7f3c"


def component(env: Environment, name: str, params: dict[str, Any]) -> Markup:
    """An NHS.UK form component (`input`, `select`, ...) drawn from `params`, as its macro draws it.

    The macros are pure functions of their parameters but cost about 1 ms each, most of a search form's time,
    and the same field with the same options comes back again and again: so the last few thousand drawn are
    kept. What a person typed (a name, a postcode) is never kept: an input or text area is drawn and kept with
    a stand-in for its value, which is then replaced by the value, escaped as the macro escapes it. A date
    someone typed, and parameters that cannot be hashed, are drawn each time.
    """
    value = params.get("value") if name in {"input", "textarea"} else None
    typed_date = name == "dateInput" and any(item.get("value") for item in params.get("items") or [])
    if isinstance(value, Markup) or typed_date:  # markup is drawn differently from text; a date is not kept
        return _draw(env, name, params)
    if value:
        drawn = _kept(env, name, {**params, "value": _TYPED})
        return Markup(drawn.replace(_TYPED, escape(value)))  # noqa: S704 - escaped as the macro would
    return _kept(env, name, params)


def _kept(env: Environment, name: str, params: dict[str, Any]) -> Markup:
    try:
        return _drawn(env, name, _frozen(params))
    except TypeError:  # something in the parameters cannot be hashed
        return _draw(env, name, params)


def environment(**options: Any) -> Environment:
    """Build the Jinja2 environment Django's template backend uses."""
    django_loader = options.pop("loader", None)
    loaders = [django_loader] if django_loader else []
    loaders += [FileSystemLoader(_app_template_dirs()), PackageLoader("nhsuk_frontend_jinja")]
    # The NHS.UK macros read optional nested parameters (params.hint.text), which needs ChainableUndefined.
    options["undefined"] = ChainableUndefined
    options.pop("autoescape", None)
    env = Environment(loader=ChoiceLoader(loaders), autoescape=True, **options)
    env.globals.update(
        {
            "url": reverse,
            "static": static,
            "get_messages": get_messages,
            "field": field,
            "choices": choices,
            "date_input": date_input,
            "select_items": select_items,
            "error_summary": error_summary,
            "submission_input": submission_input,
            "component": functools.partial(component, env),
        }
    )
    env.filters.update(
        {"indent": indent, "nhs_number": format_nhs_number, "nhs_date": nhs_date, "nhs_datetime": nhs_datetime}
    )
    return env
