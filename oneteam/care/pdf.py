"""The printable care plan for the person: plain words, their goals first, large print if they want it."""

from __future__ import annotations

from fpdf import FPDF  # type: ignore[import-untyped]

from oneteam.jinja2 import nhs_date

from .models import ActionStatus, CarePlan

# The PDF's built-in fonts cover Latin-1 only; typographic punctuation becomes its plain equivalent.
_PLAIN = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "£": "£"})
STANDARD_PT, LARGE_PT = 12, 18


def _latin1(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


class _Writer:
    def __init__(self, size: int) -> None:
        self.size = size
        self.pdf = FPDF(format="A4")
        self.pdf.set_margins(20, 20, 20)
        self.pdf.set_auto_page_break(auto=True, margin=20)
        self.pdf.add_page()

    def heading(self, text: str, scale: float = 1.4) -> None:
        self.pdf.set_font("Helvetica", "B", round(self.size * scale))
        self.pdf.ln(self.size * 0.3)
        self.pdf.multi_cell(0, self.size * 0.6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(self.size * 0.15)

    def para(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "", self.size)
        self.pdf.multi_cell(0, self.size * 0.55, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(self.size * 0.2)

    def bullets(self, items: list[str], empty: str) -> None:
        for item in items or [empty]:
            self.para(f"-  {item}" if items else item)


def care_plan_pdf(plan: CarePlan, *, large_print: bool = False) -> bytes:
    """The plan as a PDF the person can keep: what matters, goals, who does what, what to do in a crisis."""
    person = plan.person
    out = _Writer(LARGE_PT if large_print else STANDARD_PT)
    out.heading(f"My care plan: {person.given_name} {person.family_name}", scale=1.7)
    out.para(f"Last changed {nhs_date(plan.updated_at)}. Your team will go through any changes with you.")
    out.heading("What matters to me")
    out.para(plan.what_matters or "Not written yet.")
    out.heading("My goals")
    out.bullets(
        [f"{goal.text}{' (something I will do for myself)' if goal.self_care else ''}" for goal in plan.goals.all()],
        "No goals written yet.",
    )
    out.heading("Who is doing what")
    actions = plan.actions.exclude(status=ActionStatus.CANCELLED).select_related("owner", "service_type")
    out.bullets(
        [
            f"{action.description}. {action.owner.get_full_name()} ({action.get_owner_profession_display()}) "
            f"by {nhs_date(action.due_on)}: {action.get_status_display().lower()}. "
            f"{action.service_type.get_funding_display()}: {action.service_type.explanation}"
            for action in actions
        ],
        "Nothing planned yet.",
    )
    out.heading("Decisions I have made")
    out.bullets([decision.decision for decision in plan.decisions.all()], "None written down.")
    out.heading("If things go wrong suddenly")
    out.para(plan.crisis_plan or "Call 111, or 999 in an emergency.")
    out.heading("If a carer or service cannot come")
    out.para(plan.contingency_plan or "Not written yet.")
    out.heading("The people who care for me")
    out.para(plan.carers or "Not written yet.")
    return bytes(out.pdf.output())
