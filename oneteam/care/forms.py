"""Forms for assessments, the care plan, capacity records, visits and the role guide.

They check what was typed and say what is wrong next to the field; the rules
about the change itself are in services.py, whose refusals views show next to
the field they name.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from oneteam.access.services.care_team import current_care_team
from oneteam.forms import DateField
from oneteam.organisations.models import Profession, Staff
from oneteam.people.models import Person

from .models import (
    ActionStatus,
    AssessmentTemplate,
    CarePlan,
    Goal,
    GoalStatus,
    QuestionType,
    ServiceType,
    VisitOutcome,
)

YES_NO = [("yes", "Yes"), ("no", "No")]
LONG_TEXT = 5000
# Professions that support the service but do not care for people: not owners of actions or visitors.
_NOT_CARE = (Profession.ANALYST, Profession.INFORMATION_GOVERNANCE_OFFICER, Profession.ADMINISTRATOR)


def yes_no(label: str, required_message: str, *, required: bool = True, help_text: str = "") -> forms.TypedChoiceField:
    """A Yes/No radio question that cleans to True or False (None when optional and unanswered)."""
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda answer: answer == "yes",
        empty_value=None,
        required=required,
        help_text=help_text,
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


def text(label: str, max_length: int, required_message: str = "", *, help_text: str = "") -> forms.CharField:
    """A textarea; required when given a message to show if it is left empty."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=bool(required_message),
        help_text=help_text,
        widget=forms.Textarea,
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
    )


class VersionedForm(forms.Form):
    """A change to the care plan, made against the version the member of staff was looking at.

    `merge_fields` are the fields that show a stored value (a text, a status).
    Each carries, hidden, the value as it was when the form was opened
    (`was_<name>`), so a save that meets a newer version can be merged field by
    field (`services.merge_changes`). A field both people changed is listed in
    `conflicts`, and the person saving must choose whose version to keep.
    """

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    conflicts = forms.CharField(required=False, widget=forms.HiddenInput)
    merge_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_merge_fields()

    def _add_merge_fields(self) -> None:
        for name in self.merge_fields:
            self.fields[f"was_{name}"] = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
            self.initial.setdefault(f"was_{name}", self.initial.get(name, ""))
        for name in self.conflicted():
            label = self.fields[name].label
            self.fields[f"choose_{name}"] = forms.ChoiceField(
                label=f"{label}: which version should be saved?",
                choices=[
                    ("theirs", f"Keep their version: “{self.shown(name, self._value(f'was_{name}'))}”"),
                    ("yours", f"Keep your version: “{self.shown(name, self._value(name))}”"),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose which version of {str(label).lower()} to save"},
            )

    def hold_merge(self, values: dict[str, Any]) -> None:
        """Carry a merged save: `values` become the form's values, and the merged fields travel hidden.

        The page shows each merged field (theirs, yours, what will be saved) and asks for a choice where both
        changed it.
        """
        self.initial.update(values)
        self._add_merge_fields()
        for name in self.merge_fields:
            self.fields[name].widget = forms.HiddenInput()

    def _value(self, name: str) -> str:
        source = self.data if self.is_bound else self.initial
        return str(source.get(name) or "")

    def conflicted(self) -> list[str]:
        """The merge fields both people changed, whose version the person saving must choose."""
        return [name for name in self._value("conflicts").split(",") if name in self.merge_fields]

    def shown(self, name: str, value: str) -> str:
        """A field's value as the person reads it: a status by its label, a text as it is."""
        choices = getattr(self.fields[name], "choices", None)
        return str(dict(choices).get(value, value)) if choices else value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.conflicted():
            if cleaned.get(f"choose_{name}") == "theirs":
                cleaned[name] = cleaned.get(f"was_{name}", "")
        return cleaned


# -- Assessments ---------------------------------------------------------------------------------------------


class _TitleChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class StartAssessmentForm(forms.Form):
    """Which assessment to start and, for a repeat within 90 days, why."""

    template = _TitleChoice(
        AssessmentTemplate.objects.none(),
        label="Which assessment?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select which assessment to start"},
    )
    repeat_reason = text(
        "Why does this need doing again?",
        1000,
        help_text=(
            "Only if a colleague completed the same assessment in the last 90 days. "
            "Their assessment is shared with you."
        ),
    )

    def __init__(self, *args: Any, templates: QuerySet[AssessmentTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]


class AnswersForm(forms.Form):
    """The questions of an assessment template, checked by their type, required flag and length."""

    # Carried from the start page: why a repeat within 90 days is needed (checked again when it is saved).
    repeat_reason = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, template: AssessmentTemplate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions: list[dict[str, Any]] = template.questions
        for question in self.questions:
            name, kind = self.name(question), QuestionType(question["type"])
            label, required = question["text"], question["required"]
            required_message = f"Answer “{label}”"
            field: forms.Field
            if kind == QuestionType.DATE:
                field = DateField(
                    label=label if required else f"{label} (optional)", called="The date", required=required
                )
            elif kind == QuestionType.BOOLEAN:
                field = yes_no(label, required_message, required=required)
            elif kind == QuestionType.CHOICE:
                field = forms.ChoiceField(
                    label=label,
                    choices=[tuple(choice) for choice in question["choices"]],
                    required=required,
                    widget=forms.RadioSelect,
                    error_messages={"required": required_message, "invalid_choice": f"Select an answer to “{label}”"},
                )
            elif kind == QuestionType.INTEGER:
                field = forms.IntegerField(
                    label=label,
                    required=required,
                    min_value=0,
                    max_value=100_000,
                    error_messages={
                        "required": required_message,
                        "invalid": f"“{label}” must be a whole number, like 3",
                        "min_value": f"“{label}” must be 0 or more",
                        "max_value": f"“{label}” must be 100,000 or less",
                    },
                )
            else:
                field = forms.CharField(
                    label=label,
                    required=required,
                    max_length=question["max_length"],
                    widget=forms.Textarea if kind == QuestionType.TEXT else forms.TextInput,
                    error_messages={
                        "required": required_message,
                        "max_length": f"The answer to “{label}” must be {question['max_length']:,} characters or fewer",
                    },
                )
            field.help_text = question["help_text"] or field.help_text
            self.fields[name] = field

    @staticmethod
    def name(question: dict[str, Any]) -> str:
        """The form field name for a question: its linkId made safe for HTML ids."""
        return "q_" + re.sub(r"[^A-Za-z0-9]", "_", question["link_id"])

    def answers(self) -> dict[str, Any]:
        """The answers by linkId, as JSON values (dates as ISO text), leaving out unanswered questions."""
        result: dict[str, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(self.name(question))
            if value is None or value == "":
                continue
            result[question["link_id"]] = value.isoformat() if isinstance(value, datetime.date) else value
        return result


# -- The care plan ------------------------------------------------------------------------------------------


class PlanTextForm(VersionedForm):
    merge_fields = ("what_matters", "crisis_plan", "contingency_plan", "carers")

    what_matters = text(
        "What matters to me",
        LONG_TEXT,
        help_text="In the person's own words. Write “I …”, as they said it.",
    )
    crisis_plan = text("Crisis plan", LONG_TEXT, help_text="What to do, and who to call, if things go wrong suddenly.")
    contingency_plan = text(
        "Contingency plan", LONG_TEXT, help_text="What happens if a carer or a service cannot come."
    )
    carers = text("Carers", LONG_TEXT, help_text="Who cares for the person, what they do, and how to reach them.")


class GoalForm(VersionedForm):
    text = text("The goal, in the person's own words", 500, "Enter the goal, in the person's own words")
    self_care = yes_no(
        "Is this a self-care goal?",
        "Select yes if it is a self-care goal",
        help_text="Something the person will do for themselves, with support if they need it.",
    )


def care_staff_for(person: Person) -> QuerySet[Staff]:
    """Staff in the teams of the person's two neighbourhoods who give care: who can own an action or visit.

    Someone registered and living outside the area has no neighbourhood team: their care team gives their care.
    """
    if person.outside_the_area:
        serving = Q(pk__in=[membership.staff_id for membership in current_care_team(person)])
    else:
        serving = Q(teams__neighbourhood_id__in=[person.practice_neighbourhood_id, person.ward_neighbourhood_id])
    return (
        Staff.objects.filter(serving, is_active=True)
        .exclude(profession__in=_NOT_CARE)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


class _StaffChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name()} ({obj.get_profession_display()})"


class ActionForm(VersionedForm):
    description = text("What will be done?", 500, "Enter what will be done")
    owner = _StaffChoice(
        Staff.objects.none(),
        label="Who will do it?",
        empty_label="Choose who",
        error_messages={"required": "Choose who will do it"},
    )
    service_type = forms.ModelChoiceField(
        ServiceType.objects.order_by("name"),
        label="What kind of service is it?",
        help_text="This says whether it is free or means-tested, so you can explain any charge.",
        empty_label="Choose a kind of service",
        error_messages={"required": "Choose what kind of service it is"},
    )
    goal = forms.ModelChoiceField(
        Goal.objects.none(), label="Which goal is it for? (optional)", required=False, empty_label="Not for one goal"
    )
    due = DateField(label="When is it due?", called="The due date", earliest="today")

    def __init__(self, *args: Any, person: Person, plan: CarePlan | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = care_staff_for(person)  # type: ignore[attr-defined]
        self.fields["goal"].queryset = plan.goals.all() if plan else Goal.objects.none()  # type: ignore[attr-defined]


class ActionStatusForm(VersionedForm):
    merge_fields = ("status",)

    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the action's status"},
    )


class GoalStatusForm(VersionedForm):
    merge_fields = ("status",)

    status = forms.ChoiceField(
        label="Status",
        choices=GoalStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the goal's status"},
    )


class DecisionForm(VersionedForm):
    decision = text("What has the person decided?", 1000, "Enter what the person has decided")
    considered_unwise = yes_no(
        "Do professionals consider this decision unwise?",
        "Select yes if professionals consider the decision unwise",
        help_text=(
            "A person with capacity has the right to make decisions others think unwise "
            "(Mental Capacity Act, principle 3)."
        ),
    )
    risks_discussed = text(
        "What risks were explained to the person, and how did they weigh them?",
        2000,
        help_text="Needed when the decision is considered unwise.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("considered_unwise") and not cleaned.get("risks_discussed"):
            self.add_error("risks_discussed", "Say what risks were explained, as the decision is considered unwise")
        return cleaned


# -- Mental capacity ----------------------------------------------------------------------------------------

# Each stage-2 question, and the label of the box for its evidence.
STAGE_TWO = (
    (
        "understands",
        "Can the person understand the information relevant to the decision?",
        "Evidence: whether they understand the information",
    ),
    (
        "retains",
        "Can they retain that information long enough to make the decision?",
        "Evidence: whether they retain the information",
    ),
    (
        "uses_or_weighs",
        "Can they use or weigh that information as part of making the decision?",
        "Evidence: whether they use or weigh the information",
    ),
    (
        "communicates",
        "Can they communicate their decision (by any means)?",
        "Evidence: whether they communicate their decision",
    ),
)


class CapacityForm(forms.Form):
    decision = text(
        "What is the decision?",
        1000,
        "Enter the decision being assessed",
        help_text="Capacity is decision-specific: name one decision, like “where to live after leaving hospital”.",
    )
    assessed = DateField(label="When was the assessment?", called="The date of the assessment", latest="today")
    impairment = yes_no(
        "Stage 1: is there an impairment of, or a disturbance in the functioning of, the person's mind or brain?",
        "Select yes if there is an impairment or disturbance",
    )
    impairment_evidence = text("Evidence for stage 1", 2000, "Enter the evidence for stage 1")
    best_interests_decision = text(
        "Best-interests decision",
        2000,
        help_text="Needed if the person lacks capacity: what was decided in their best interests, and why.",
    )
    best_interests_consulted = text(
        "Who was consulted about their best interests?",
        2000,
        help_text="Family, carers, an IMCA, an attorney or deputy.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, evidence in STAGE_TWO:
            self.fields[name] = yes_no(label, "", required=False)
            self.fields[f"{name}_evidence"] = text(evidence, 2000)

    def stage_two(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """The four stage-2 questions, each with its evidence box."""
        return [(self[name], self[f"{name}_evidence"]) for name, _label, _evidence in STAGE_TWO]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("impairment"):
            for name, label, _evidence in STAGE_TWO:
                if cleaned.get(name) is None:
                    self.add_error(name, f"Answer stage 2: {label[0].lower()}{label[1:]}")
                if not cleaned.get(f"{name}_evidence"):
                    self.add_error(f"{name}_evidence", "Enter the evidence for this answer")
            lacks = any(cleaned.get(name) is False for name, _label, _evidence in STAGE_TWO)
            if lacks and not cleaned.get("best_interests_decision"):
                self.add_error(
                    "best_interests_decision", "Record the best-interests decision, as the person lacks capacity"
                )
        return cleaned

    def answers(self) -> dict[str, Any]:
        """The record's fields, as `services.record_capacity_assessment` takes them."""
        data = self.cleaned_data
        names = ["decision", "impairment", "impairment_evidence"]
        names += [name for stage, _label, _evidence in STAGE_TWO for name in (stage, f"{stage}_evidence")]
        names += ["best_interests_decision", "best_interests_consulted"]
        answers = {name: data.get(name) for name in names} | {"assessed_on": data.get("assessed")}
        for stage, _label, _evidence in STAGE_TWO:
            answers[f"{stage}_evidence"] = answers[f"{stage}_evidence"] or ""
        return answers


# -- Visits -------------------------------------------------------------------------------------------------

TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class VisitForm(forms.Form):
    visitor = _StaffChoice(
        Staff.objects.none(),
        label="Who is visiting?",
        empty_label="Choose who",
        error_messages={"required": "Choose who is visiting"},
    )
    time = forms.CharField(
        label="Time",
        max_length=5,
        help_text="24-hour clock, for example 09:30 or 14:00",
        error_messages={"required": "Enter the time of the visit"},
    )
    minutes = forms.IntegerField(
        label="How long, in minutes?",
        min_value=5,
        max_value=480,
        initial=30,
        error_messages={
            "required": "Enter how long the visit takes",
            "invalid": "How long must be a number of minutes, like 30",
            "min_value": "A visit must be at least 5 minutes",
            "max_value": "A visit must be 8 hours (480 minutes) or less",
        },
    )
    day = DateField(label="Date of the visit", called="The date of the visit")
    purpose = forms.CharField(
        label="What is the visit for?",
        max_length=200,
        error_messages={
            "required": "Enter what the visit is for",
            "max_length": "What the visit is for must be 200 characters or fewer",
        },
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visitor"].queryset = care_staff_for(person)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day = cleaned.get("day")
        match = TIME.match(str(cleaned.get("time", "")).strip())
        if cleaned.get("time") and match is None:
            self.add_error("time", "Enter a real time, like 09:30 or 14:00")
        if day and match:
            naive = datetime.datetime.combine(day, datetime.time(int(match[1]), int(match[2])))
            cleaned["starts_at"] = timezone.make_aware(naive)
        return cleaned


class ChangeVisitForm(VisitForm):
    """Move a planned visit or give it to someone else: the same questions as booking, but its purpose stays."""

    purpose = None  # type: ignore[assignment]


class CancelVisitForm(forms.Form):
    reason = text(
        "Why is the visit cancelled?",
        500,
        "Say why the visit is cancelled",
        help_text="Everyone who looks at the visit calendar will see this.",
    )


class VisitOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=[(value, label) for value, label in VisitOutcome.choices if value != VisitOutcome.PLANNED],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened"},
    )
    note = text("Note (optional)", 1000)


class RoleGuideForm(forms.Form):
    what_they_do = text("What they do", 3000, "Enter what they do")
    statutory_duties = text("Their statutory duties", 3000, "Enter their statutory duties")
    ask_them_for = text("What to ask them for", 3000, "Enter what to ask them for")
