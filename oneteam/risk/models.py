"""Risk stratification: each run's scores and deficits, the priority weights, and proposals for an MDT.

Scores are written only by `services/stratify.py` (whole population, set-based SQL) and
`stratify.restratify_person` (one person after their conditions change). The
rows of the latest finished run are the current ones; older runs' rows are
removed once a new run has finished.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oneteam.organisations.models import Neighbourhood, Organisation
from oneteam.people.models import Person

from .efi import Category


class DeficitCode(models.Model):
    """One SNOMED CT code of one eFI deficit, in one code-list version (loaded from `codelists/`)."""

    version = models.CharField(max_length=20)
    deficit = models.CharField(max_length=40)
    snomed_code = models.CharField("SNOMED CT code", max_length=18)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "snomed_code"], name="risk_one_deficit_per_code"),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.deficit}: {self.snomed_code}"


class StratificationRun(models.Model):
    """A whole-population recompute: when, how long it took and with which code list."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    as_of = models.DateField(help_text="The day ages and the last 12 months are counted from")
    codelist_version = models.CharField(max_length=20)
    people_scored = models.PositiveIntegerField(default=0)
    people_with_efi = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Stratification run {self.pk} ({self.codelist_version}, {self.as_of})"


class AgeBand(models.TextChoices):
    CHILD = "0-17", "0 to 17"
    ADULT = "18-64", "18 to 64"
    OLDER = "65-74", "65 to 74"
    ELDERLY = "75-84", "75 to 84"
    OLDEST = "85+", "85 and over"


class PersonRisk(models.Model):
    """One resident's eFI and admission-risk facts in one run, with the priority worked out from them.

    The neighbourhoods, practice, age band, ethnic group and deprivation decile are
    copied from the person record at the run so lists and the fairness view filter
    and count on this table alone.
    """

    # Rows are written half a million at a time from tables whose keys are already checked, so the
    # database neither checks them again nor keeps an index per key: a per-row foreign-key check
    # doubled the run time, and the composite indexes below serve every lookup. Django still
    # deletes these rows with their person (a rare, unindexed delete).
    run = models.ForeignKey(
        StratificationRun, on_delete=models.CASCADE, related_name="scores", db_constraint=False, db_index=False
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="risk_scores", db_constraint=False, db_index=False
    )
    practice_neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    ward_neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    gp_practice = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    ethnic_category = models.CharField(max_length=1)
    age_band = models.CharField(max_length=5, choices=AgeBand.choices)
    # Empty for people under 65, who have no eFI.
    deficits = models.PositiveSmallIntegerField(null=True, blank=True)
    category = models.CharField(max_length=10, blank=True, choices=[(c.value, c.label) for c in Category])
    # The category in the run before; null if the person was not scored then.
    previous_category = models.CharField(max_length=10, null=True, blank=True)  # noqa: DJ001 - null: not scored, "": under 65
    emergency_admissions = models.PositiveSmallIntegerField(help_text="Non-elective admissions in 12 months")
    bed_days = models.PositiveIntegerField(help_text="Nights in hospital after those admissions")
    lives_alone = models.BooleanField()
    has_carer = models.BooleanField()
    imd_decile = models.PositiveSmallIntegerField()
    recent_fall = models.BooleanField(help_text="A fall coded in the last 12 months")
    known_to_team = models.BooleanField(help_text="Open referral, open episode or a care-team relationship")
    priority = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "person"], name="risk_one_score_per_run")]
        indexes = [
            # With the category, a list of one neighbourhood's frail people is one index range per category.
            models.Index(
                fields=["run", "practice_neighbourhood", "category", "priority"], name="risk_practice_category"
            ),
            models.Index(fields=["run", "ward_neighbourhood", "category", "priority"], name="risk_ward_category"),
        ]

    def __str__(self) -> str:
        return f"Risk of person {self.person_id} in run {self.run_id}"

    @property
    def efi_category(self) -> Category | None:
        return Category(self.category) if self.category else None


class PersonDeficit(models.Model):
    """One eFI deficit a person has in one run: the rows the score counts and the explanation lists."""

    # Not checked by the database either, for the same reason as PersonRisk; the unique index serves lookups.
    run = models.ForeignKey(
        StratificationRun, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    deficit = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "person", "deficit"], name="risk_deficit_counts_once"),
        ]

    def __str__(self) -> str:
        return self.deficit


class PriorityWeights(models.Model):
    """One version of the points behind the proactive-care priority, for a neighbourhood or for everywhere.

    Never edited in place: the team lead's change makes a new version, so any
    past priority can be explained by the weights then in force.
    """

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, null=True, blank=True, related_name="priority_weights"
    )
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    change_note = models.TextField()
    emergency_admission = models.PositiveSmallIntegerField("Points for each emergency admission in 12 months")
    bed_week = models.PositiveSmallIntegerField("Points for each full week in hospital after those admissions")
    lives_alone = models.PositiveSmallIntegerField("Points if the person lives alone")
    has_carer = models.PositiveSmallIntegerField("Points if the person relies on an unpaid carer")
    most_deprived = models.PositiveSmallIntegerField("Points if they live in the most deprived 20% of areas")
    recent_fall = models.PositiveSmallIntegerField("Points for a fall in the last 12 months")
    not_known = models.PositiveSmallIntegerField("Points if the team does not know them yet")
    mild_frailty = models.PositiveSmallIntegerField("Points for mild frailty")
    moderate_frailty = models.PositiveSmallIntegerField("Points for moderate frailty")
    severe_frailty = models.PositiveSmallIntegerField("Points for severe frailty")

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["neighbourhood", "version"], name="risk_weights_one_per_version"),
            models.UniqueConstraint(
                fields=["version"], condition=models.Q(neighbourhood__isnull=True), name="risk_global_weights_version"
            ),
        ]

    def __str__(self) -> str:
        where = self.neighbourhood.name if self.neighbourhood else "Everywhere"
        return f"{where} priority weights, version {self.version}"


class MdtProposal(models.Model):
    """A person proposed from a risk list for discussion at their neighbourhood's next MDT.

    The MDT capability (a later issue) takes open proposals onto a meeting agenda
    and sets `taken_at`; until then they wait here.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mdt_proposals")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="mdt_proposals")
    question = models.TextField(help_text="What the MDT is asked to decide or advise")
    why = models.TextField(help_text="The risk explanation when the person was proposed")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField()
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return f"MDT proposal for person {self.person_id}"
