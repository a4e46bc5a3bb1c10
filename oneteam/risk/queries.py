"""Reads of risk scores: the cohort list, one person's explanation, the fairness view and the export.

Who may list named people: a risk list is direct care of the people a
neighbourhood team serves, so a member of staff sees people of the
neighbourhoods of their own teams, and only where that neighbourhood's
information sharing agreement lets their profession see physical health for
direct care at neighbourhood-team level or wider (the same rule `policy.decide`
applies to one person). People who objected to sharing their physical health
with the staff member's sector, or whose latest consent decision was declined
or withdrawn, are left off every list: the wishes the policy weighs for one
person are applied to the whole list in the same query. Each list page records
every person it showed, in one append; opening a person's explanation asks the
policy for that person (each category its deficits fall in) and is audited.
The fairness view counts people and never names them (planning is aggregate).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.shortcuts import get_object_or_404

from oneteam.access.models import (
    AccessLevel,
    AuditAction,
    ConsentDecision,
    ConsentStatus,
    DataCategory,
    Objection,
    Purpose,
    SharingAgreement,
    SharingRule,
)
from oneteam.access.services import Decision, audit_list, authorise_read, record_event, staff_neighbourhood_ids
from oneteam.organisations.models import Neighbourhood, Organisation, Profession, Sector, Staff
from oneteam.people.models import EthnicCategory, Person

from . import efi, explain, priority
from .codelist import Deficit, load
from .efi import Category
from .models import AgeBand, MdtProposal, PersonDeficit, PersonRisk, PriorityWeights, StratificationRun

PAGE_SIZE = 50
# Counts below this are shown as "fewer than 5" so no small group can be singled out.
SUPPRESS_BELOW = 5
FRAIL = (Category.MODERATE.value, Category.SEVERE.value)


def current_run() -> StratificationRun | None:
    """The latest finished run, whose scores are the ones shown."""
    return StratificationRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-pk").first()


def score_of(run: StratificationRun, person: Person) -> PersonRisk | None:
    """The person's row in `run`, found through the (run, person) index.

    Not `.first()`: its ORDER BY id LIMIT 1 lets PostgreSQL walk the primary key
    through half a million rows instead.
    """
    return next(iter(PersonRisk.objects.filter(run=run, person=person).order_by()[:1]), None)


def weights_in_force() -> tuple[priority.Weights, dict[int, priority.Weights]]:
    """The weights for everywhere (the team's latest version, else OneTeam's defaults) and each neighbourhood's own.

    One query: the table holds a handful of versions per neighbourhood, so the
    latest of each is picked here rather than in SQL.
    """
    default, by_neighbourhood = priority.DEFAULT, {}
    seen: set[int | None] = set()
    for weights in PriorityWeights.objects.order_by("neighbourhood_id", "-version"):
        if weights.neighbourhood_id in seen:
            continue
        seen.add(weights.neighbourhood_id)
        if weights.neighbourhood_id is None:
            default = priority.Weights.of(weights)
        else:
            by_neighbourhood[weights.neighbourhood_id] = priority.Weights.of(weights)
    return default, by_neighbourhood


def _current_agreements() -> QuerySet[SharingAgreement]:
    latest = SharingAgreement.objects.filter(neighbourhood=OuterRef("neighbourhood")).order_by("-version")
    return SharingAgreement.objects.filter(version=Subquery(latest.values("version")[:1]))


def listable_neighbourhoods(staff: Staff) -> list[Neighbourhood]:
    """The neighbourhoods whose named risk lists `staff` may read (see the module docstring), in one query."""
    staff_sector = Subquery(Organisation.objects.filter(staff=staff).values("sector")[:1])
    rule = SharingRule.objects.filter(
        agreement__in=_current_agreements().filter(neighbourhood=OuterRef(OuterRef("pk"))),
        profession=staff.profession,
        category=DataCategory.PHYSICAL_HEALTH,
        purpose=Purpose.DIRECT_CARE,
        level__in=[AccessLevel.NEIGHBOURHOOD_TEAM, AccessLevel.PARTNERSHIP],
    ).filter(Q(sector="") | Q(sector=staff_sector))
    return list(
        Neighbourhood.objects.filter(pk__in=staff_neighbourhood_ids(staff)).filter(Exists(rule)).order_by("name")
    )


def _wishes_allow(staff: Staff) -> Q:
    """People whose own wishes do not take their physical health off a list for this member of staff.

    Both sets are worked out once per query (not once per row): the people with an
    objection, and the people whose latest consent decision is a refusal.
    """
    staff_sector = Subquery(Organisation.objects.filter(staff=staff).values("sector")[:1])
    objected = (
        Objection.objects.filter(withdrawn_at__isnull=True, category=DataCategory.PHYSICAL_HEALTH)
        .filter(Q(sector="") | Q(sector=staff_sector))
        .values("person_id")
    )
    later = ConsentDecision.objects.filter(person=OuterRef("person")).filter(
        Q(recorded_at__gt=OuterRef("recorded_at")) | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
    )
    # Conservative: a refusal takes the person off lists whichever categories it names.
    refused = (
        ConsentDecision.objects.filter(status__in=[ConsentStatus.DECLINED, ConsentStatus.WITHDRAWN])
        .filter(~Exists(later))
        .values("person_id")
    )
    return ~Q(person_id__in=objected) & ~Q(person_id__in=refused)


def _served_by(neighbourhood_ids: Sequence[int]) -> Q:
    return Q(practice_neighbourhood_id__in=neighbourhood_ids) | Q(ward_neighbourhood_id__in=neighbourhood_ids)


@dataclass(frozen=True)
class Filters:
    """What the cohort list is narrowed to. Empty values mean "any"."""

    neighbourhood: Neighbourhood | None = None
    practice: Organisation | None = None
    categories: tuple[str, ...] = ()
    min_priority: int | None = None
    not_known: bool = False
    changed: bool = False
    # Proactive care is for frailty, so by default the list shows only people with an eFI (those 65 and over).
    with_efi_only: bool = True

    def in_words(self) -> dict[str, object]:
        """The filters as the audit event records them (no personal data)."""
        return {
            "neighbourhood": self.neighbourhood.pk if self.neighbourhood else None,
            "practice": self.practice.pk if self.practice else None,
            "categories": list(self.categories),
            "min_priority": self.min_priority,
            "not_known": self.not_known,
            "changed": self.changed,
            "with_efi_only": self.with_efi_only,
        }


@dataclass(frozen=True)
class Row:
    """One person on a list: their scores, the deficits behind the eFI, and the explanation in words.

    A deficit is named only where the viewer may see every category of its codes
    (`allowed`). Lists, exports and `why` (which referrals and MDT proposals copy,
    for others to read) name physical-health deficits only; the rest are counted.
    """

    risk: PersonRisk
    deficits: list[Deficit]
    allowed: frozenset[DataCategory] = frozenset({DataCategory.PHYSICAL_HEALTH})

    @property
    def deficit_names(self) -> list[str]:
        """The names of the deficits the viewer may see, in the code list's order."""
        return [deficit.name for deficit in self.deficits if deficit.categories <= self.allowed]

    @property
    def not_named(self) -> int:
        """How many of the person's deficits the viewer may not see named."""
        return len(self.deficits) - len(self.deficit_names)

    @property
    def why(self) -> str:
        physical = [deficit.name for deficit in self.deficits if deficit.physical_health]
        return explain.sentence(self.risk, physical, len(self.deficits) - len(physical))

    @property
    def changed_from(self) -> str:
        """The category in the run before, in words, if it has changed."""
        before, now = self.risk.previous_category, self.risk.category
        if before is None or before == now:
            return ""
        return Category(before).label if before else "under 65"


@dataclass(frozen=True)
class ListOptions:
    """What a member of staff may list: the current run, their listable neighbourhoods and those's practices."""

    run: StratificationRun | None
    neighbourhoods: list[Neighbourhood]
    practices: list[Organisation]


def list_options(staff: Staff) -> ListOptions:
    """The run, neighbourhoods and practices behind the list filters (three queries)."""
    neighbourhoods = listable_neighbourhoods(staff)
    practices = list(
        Organisation.objects.filter(sector=Sector.GP_PRACTICE, neighbourhood__in=neighbourhoods).order_by("name")
    )
    return ListOptions(current_run(), neighbourhoods, practices)


@dataclass(frozen=True)
class Cohort:
    page: Page[PersonRisk]
    rows: list[Row]


def _deficits(run: StratificationRun, risks: Sequence[PersonRisk]) -> dict[int, list[Deficit]]:
    """Each person's deficits, in the code list's order, in one query."""
    codelist = load(run.codelist_version)
    order = {deficit.key: i for i, deficit in enumerate(codelist.deficits)}
    by_key = codelist.by_key
    found: dict[int, list[Deficit]] = {risk.person_id: [] for risk in risks}
    rows = PersonDeficit.objects.filter(run=run, person_id__in=list(found)).values_list("person_id", "deficit")
    for person_id, key in sorted(rows, key=lambda row: (row[0], order[row[1]])):
        found[person_id].append(by_key[key])
    return found


def _filtered(
    run: StratificationRun, staff: Staff, allowed: list[Neighbourhood], filters: Filters
) -> QuerySet[PersonRisk]:
    allowed_ids = [n.pk for n in allowed]
    risks = PersonRisk.objects.filter(run=run).filter(_served_by(allowed_ids)).filter(_wishes_allow(staff))
    if filters.neighbourhood is not None:
        risks = risks.filter(_served_by([filters.neighbourhood.pk]))
    if filters.practice is not None:
        risks = risks.filter(gp_practice=filters.practice)
    if filters.with_efi_only and not filters.categories:
        # "Has an eFI" as "has a category" (stratify leaves it empty exactly when there is no eFI), so the
        # (run, neighbourhood, category, priority) indexes find these rows without reading anyone else's.
        risks = risks.filter(category__in=[c.value for c in Category])
    if filters.categories:
        risks = risks.filter(category__in=filters.categories)
    if filters.min_priority is not None:
        risks = risks.filter(priority__gte=filters.min_priority)
    if filters.not_known:
        risks = risks.filter(known_to_team=False)
    if filters.changed:
        risks = risks.filter(previous_category__isnull=False).exclude(previous_category=F("category"))
    return risks


def _page_of(risks: QuerySet[PersonRisk], page_number: str | None) -> Page[PersonRisk]:
    """The page asked for, with the number of matches counted in the same query by a window function.

    Only a page past the end needs a separate count (it then shows the last page, as Django's paginator does).
    """
    paginator = Paginator(risks, PAGE_SIZE)
    try:
        number = max(int(page_number or 1), 1)
    except ValueError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    rows = list(risks.annotate(matching=Window(Count("pk")))[start : start + PAGE_SIZE])
    if not rows and number > 1:
        return paginator.get_page(number)
    paginator.count = getattr(rows[0], "matching") if rows else 0  # noqa: B009 - an annotation mypy cannot see
    return Page(rows, number, paginator)


def cohort(*, staff: Staff, options: ListOptions, filters: Filters, page_number: str | None) -> Cohort | None:
    """The cohort list, highest priority first, a page at a time, with one audit event for the page.

    None when there is nothing `staff` may list (no run yet, or no neighbourhood
    whose agreement allows it).
    """
    run, allowed = options.run, options.neighbourhoods
    if run is None or not allowed:
        return None
    # The people are read after the page is chosen (prefetch, one more query): joining them first made
    # PostgreSQL carry 50,000 wide rows through the sort for page 100 of a neighbourhood (1 s instead of 0.3 s).
    risks = _filtered(run, staff, allowed, filters).prefetch_related("person").order_by("-priority", "person_id")
    page = _page_of(risks, page_number)
    shown = list(page.object_list)
    deficits = _deficits(run, shown)
    # Each person shown is recorded (one append), so "who has seen my record" includes the risk lists.
    audit_list(
        staff=staff,
        person_ids=[risk.person_id for risk in shown],
        category=DataCategory.PHYSICAL_HEALTH,
        purpose=Purpose.DIRECT_CARE,
        detail={"risk_list": filters.in_words(), "matching": page.paginator.count},
    )
    return Cohort(page=page, rows=[Row(risk, deficits[risk.person_id]) for risk in shown])


@dataclass
class Explanation:
    """One person's risk for the explanation page; `risk` is None if they are not scored or not allowed."""

    person: Person
    decision: Decision
    # Why the deficits the viewer may not see named are held back, one reason per category refused.
    hidden_reasons: list[str] = field(default_factory=list)
    run: StratificationRun | None = None
    risk: PersonRisk | None = None
    row: Row | None = None
    points: list[priority.Points] = field(default_factory=list)
    weights: priority.Weights = priority.DEFAULT
    weights_version: PriorityWeights | None = None
    proposals: list[MdtProposal] = field(default_factory=list)


def weights_for(neighbourhood_id: int) -> tuple[priority.Weights, PriorityWeights | None]:
    """The weights a neighbourhood's priorities use now, and the version that set them (None: OneTeam's defaults)."""
    own = PriorityWeights.objects.filter(neighbourhood_id=neighbourhood_id).select_related("created_by").first()
    chosen = own or PriorityWeights.objects.filter(neighbourhood__isnull=True).select_related("created_by").first()
    return (priority.Weights.of(chosen) if chosen else priority.DEFAULT), chosen


def explanation(*, staff: Staff, person_id: int, purpose: Purpose = Purpose.DIRECT_CARE) -> Explanation:
    """Why a person is on a risk list: asks the policy and audits the answers, in one append.

    The scores and facts are physical health; each deficit is named only if the
    policy allows every category of its codes. The policy is asked about exactly
    the categories on the page, so the audit records what was read (the deficits
    are looked up first for that, and shown only as the answers allow).
    """
    person = get_object_or_404(Person, pk=person_id)
    run = current_run()
    risk = score_of(run, person) if run else None
    deficits = _deficits(run, [risk])[person.pk] if run and risk else []
    categories = dict.fromkeys(
        [DataCategory.PHYSICAL_HEALTH, *sorted({c for deficit in deficits for c in deficit.categories})]
    )
    decisions = authorise_read(staff=staff, person=person, categories=categories, purpose=purpose)
    result = Explanation(person=person, decision=decisions[DataCategory.PHYSICAL_HEALTH])
    if not result.decision.allowed:
        return result
    result.run, result.risk = run, risk
    if run is None or risk is None:
        return result
    allowed = frozenset(category for category, decision in decisions.items() if decision.allowed)
    result.row = Row(risk, deficits, allowed)
    result.hidden_reasons = [decision.reason for decision in decisions.values() if not decision.allowed]
    result.weights, result.weights_version = weights_for(risk.practice_neighbourhood_id)
    result.points = priority.breakdown(risk, result.weights)
    result.proposals = list(
        MdtProposal.objects.filter(person=person, taken_at__isnull=True).select_related("proposed_by")
    )
    return result


def weight_labels() -> list[tuple[str, str]]:
    """(weight name, what earns the points) in the order the weights are listed."""
    labels = {field.name: str(field.verbose_name) for field in PriorityWeights._meta.concrete_fields}
    return [(name, labels[name]) for name in priority.Weights.names()]


@dataclass(frozen=True)
class WeightsHistory:
    """The weights in force everywhere and in the staff member's neighbourhoods, and every version before."""

    default: priority.Weights
    neighbourhoods: list[Neighbourhood]
    own: dict[int, priority.Weights]
    versions: list[PriorityWeights]

    def in_force(self) -> list[tuple[str, priority.Weights]]:
        """(where, weights) for everywhere and each of the staff member's neighbourhoods."""
        rows = [("Everywhere without its own weights", self.default)]
        rows += [(n.name, self.own[n.pk]) for n in self.neighbourhoods if n.pk in self.own]
        return rows


def weights_history(staff: Staff) -> WeightsHistory:
    """The weights page's figures; the weights are not personal data, so reading them is not audited."""
    default, by_neighbourhood = weights_in_force()
    neighbourhoods = list(Neighbourhood.objects.filter(pk__in=staff_neighbourhood_ids(staff)).order_by("name"))
    versions = list(
        PriorityWeights.objects.filter(Q(neighbourhood__isnull=True) | Q(neighbourhood__in=neighbourhoods))
        .select_related("neighbourhood", "created_by")
        .order_by("-created_at", "-pk")
    )
    return WeightsHistory(default, neighbourhoods, by_neighbourhood, versions)


# --- fairness -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """A count that may be too small to show, and its share of a total."""

    count: int
    total: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.count < SUPPRESS_BELOW

    @property
    def words(self) -> str:
        if self.suppressed:
            return "fewer than 5"
        percent = round(100 * self.count / self.total) if self.total else 0
        return f"{self.count:,} ({percent}%)"


@dataclass(frozen=True)
class Group:
    label: str
    cohort: Share
    older: Share
    everyone: Share


@dataclass(frozen=True)
class Breakdown:
    title: str
    groups: list[Group]


@dataclass
class Fairness:
    neighbourhoods: list[Neighbourhood]
    neighbourhood: Neighbourhood | None = None
    categories: tuple[str, ...] = FRAIL
    breakdowns: list[Breakdown] = field(default_factory=list)
    cohort_size: int = 0


def fairness_neighbourhoods(staff: Staff) -> list[Neighbourhood]:
    """Analysts see every neighbourhood's figures; everyone else their own teams' neighbourhoods."""
    everyone = Neighbourhood.objects.order_by("name")
    if staff.profession == Profession.ANALYST:
        return list(everyone)
    return list(everyone.filter(pk__in=staff_neighbourhood_ids(staff)))


def _quintile(decile: int) -> str:
    quintile = (decile + 1) // 2
    suffix = {1: " (most deprived)", 5: " (least deprived)"}.get(quintile, "")
    return f"Quintile {quintile}{suffix}"


def fairness(*, staff: Staff, neighbourhood: Neighbourhood | None, categories: tuple[str, ...]) -> Fairness:
    """Who is on the cohort list compared with the neighbourhood's people, by deprivation, ethnic group and age.

    Counts only, with small counts suppressed: this is planning, so it is
    audited as an aggregate view with no person in it.
    """
    result = Fairness(neighbourhoods=fairness_neighbourhoods(staff), categories=categories or FRAIL)
    run = current_run()
    if neighbourhood is None or neighbourhood not in result.neighbourhoods or run is None:
        return result
    result.neighbourhood = neighbourhood
    people = PersonRisk.objects.filter(run=run, practice_neighbourhood=neighbourhood)
    in_cohort = Q(category__in=result.categories)
    older = Q(deficits__isnull=False)
    dimensions = (
        ("Deprivation quintile (1 is the most deprived fifth of areas)", "imd_decile", _quintile),
        ("Ethnic group", "ethnic_category", lambda code: EthnicCategory(code).label),
        ("Age band", "age_band", lambda code: AgeBand(code).label),
    )
    for title, column, label in dimensions:
        rows = list(
            people.values(column)
            .annotate(cohort=Count("pk", filter=in_cohort), older=Count("pk", filter=older), everyone=Count("pk"))
            .order_by(column)
        )
        merged: dict[str, list[int]] = {}
        for row in rows:
            counts = merged.setdefault(label(row[column]), [0, 0, 0])
            for i, key in enumerate(("cohort", "older", "everyone")):
                counts[i] += row[key]
        totals = [sum(counts[i] for counts in merged.values()) for i in range(3)]
        result.breakdowns.append(
            Breakdown(
                title,
                [
                    Group(name, Share(c[0], totals[0]), Share(c[1], totals[1]), Share(c[2], totals[2]))
                    for name, c in merged.items()
                ],
            )
        )
        result.cohort_size = totals[0]
    record_event(
        staff=staff,
        action=AuditAction.VIEW,
        purpose=Purpose.PLANNING,
        detail={"risk_fairness": neighbourhood.pk, "categories": list(result.categories)},
    )
    return result


# --- export -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportLine:
    nhs_number: str
    score: str
    category: str
    deficits: str
    priority: int
    factors: str


EXPORT_BATCH = 2000


def export_lines(*, staff: Staff) -> Iterator[ExportLine]:
    """Every person on the staff member's neighbourhoods' lists, highest priority first, read in batches.

    The caller audits the export once it has been written (see services.record_export).
    """
    run = current_run()
    allowed = listable_neighbourhoods(staff)
    if run is None or not allowed:
        return
    # Everyone on the lists, with or without an eFI (the CSV leaves the score empty for those under 65).
    # Joined, not prefetched: on SQLite a prefetch of a whole batch of people builds a condition deeper than
    # SQLite allows ("Expression tree is too large").
    everyone = Filters(with_efi_only=False)
    risks = _filtered(run, staff, allowed, everyone).select_related("person").order_by("-priority", "person_id")
    paginator = Paginator(risks, EXPORT_BATCH)
    for number in paginator.page_range:
        batch = list(paginator.page(number).object_list)
        deficits = _deficits(run, batch)
        for risk in batch:
            # As on the list: physical health only (the export is audited as physical health).
            deficit_names = [deficit.name for deficit in deficits[risk.person_id] if deficit.physical_health]
            yield ExportLine(
                nhs_number=risk.person.nhs_number,
                score=f"{efi.score(risk.deficits):.4f}" if risk.deficits is not None else "",
                category=Category(risk.category).label if risk.category else "",
                deficits=";".join(deficit_names),
                priority=risk.priority,
                factors=";".join(explain.fact_words(risk)),
            )
