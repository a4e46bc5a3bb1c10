"""The shared person record.

One record per person across health, social care and the voluntary sector.
Reads of it go through `oneteam.access.policy`; this module only defines data.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models.functions import Upper

from oneteam.organisations.models import LSOA, Neighbourhood, Organisation, Ward
from oneteam.writes import GuardedQuerySet, ServiceWrittenModel

from .nhs_number import format_nhs_number


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNKNOWN = "unknown", "Not known"


class GenderIdentity(models.TextChoices):
    SAME_AS_SEX = "same", "Same as sex registered at birth"
    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "In another way"
    NOT_STATED = "not_stated", "Not stated"


class EthnicCategory(models.TextChoices):
    """NHS Data Dictionary ethnic category codes (2001 census categories)."""

    WHITE_BRITISH = "A", "White – British"
    WHITE_IRISH = "B", "White – Irish"
    WHITE_OTHER = "C", "White – any other White background"
    MIXED_WHITE_BLACK_CARIBBEAN = "D", "Mixed – White and Black Caribbean"
    MIXED_WHITE_BLACK_AFRICAN = "E", "Mixed – White and Black African"
    MIXED_WHITE_ASIAN = "F", "Mixed – White and Asian"
    MIXED_OTHER = "G", "Mixed – any other mixed background"
    ASIAN_INDIAN = "H", "Asian or Asian British – Indian"
    ASIAN_PAKISTANI = "J", "Asian or Asian British – Pakistani"
    ASIAN_BANGLADESHI = "K", "Asian or Asian British – Bangladeshi"
    ASIAN_OTHER = "L", "Asian or Asian British – any other Asian background"
    BLACK_CARIBBEAN = "M", "Black or Black British – Caribbean"
    BLACK_AFRICAN = "N", "Black or Black British – African"
    BLACK_OTHER = "P", "Black or Black British – any other Black background"
    CHINESE = "R", "Other ethnic groups – Chinese"
    OTHER = "S", "Other ethnic groups – any other ethnic group"
    NOT_STATED = "Z", "Not stated"


class Person(ServiceWrittenModel):
    """A resident known to the neighbourhood team."""

    nhs_number = models.CharField("NHS number", max_length=10, unique=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    date_of_death = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices)
    gender_identity = models.CharField(max_length=12, choices=GenderIdentity.choices, default=GenderIdentity.NOT_STATED)
    ethnic_category = models.CharField(max_length=1, choices=EthnicCategory.choices, default=EthnicCategory.NOT_STATED)

    address_line_1 = models.CharField(max_length=200)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=8, help_text="Stored in upper case with one space, e.g. OT1 2AB")
    # Empty for someone living outside the area (ADR 14): OneTeam keeps them, placed in none of its areas.
    lsoa = models.ForeignKey(LSOA, on_delete=models.PROTECT, null=True, blank=True, related_name="residents")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="residents")
    # Empty when the GP practice is not known to OneTeam.
    gp_practice = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="registered_people"
    )
    # Both neighbourhoods are stored because the health and social-care boundaries differ. Either is empty
    # for someone registered (or living) outside the area; the access policy then rests on the other, or on
    # the care team alone when both are empty (docs/information-governance.md).
    practice_neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Neighbourhood of the GP practice",
    )
    ward_neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Neighbourhood of the home ward",
    )

    lives_alone = models.BooleanField(default=False)
    preferred_language = models.CharField(max_length=50, default="English")
    interpreter_needed = models.BooleanField(default=False)
    communication_needs = models.CharField(max_length=200, blank=True)
    repeat_medication_count = models.PositiveSmallIntegerField(default=0)

    objects = GuardedQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(Upper("family_name"), "date_of_birth", name="person_family_name_dob"),
            models.Index(fields=["postcode"], name="person_postcode"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def outside_the_area(self) -> bool:
        """Whether the person is placed in none of OneTeam's neighbourhoods (registered and living elsewhere)."""
        return self.practice_neighbourhood_id is None and self.ward_neighbourhood_id is None

    @property
    def display_nhs_number(self) -> str:
        return format_nhs_number(self.nhs_number)

    def age_on(self, day: datetime.date) -> int:
        """Age in whole years on `day`."""
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - before_birthday


class RelatedPerson(models.Model):
    """A carer or other contact of the person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=50)
    phone = models.CharField(max_length=30, blank=True)
    is_carer = models.BooleanField(default=False)
    is_next_of_kin = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_carer", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class SafetyAlertKind(models.TextChoices):
    DANGEROUS_DOG = "dangerous_dog", "Dangerous dog"
    AGGRESSIVE_RELATIVE = "aggressive_relative", "Aggressive relative or visitor"
    INFECTION_RISK = "infection_risk", "Infection risk"
    VISIT_IN_PAIRS = "visit_in_pairs", "Visit in pairs"
    OTHER = "other", "Other risk to visiting staff"


class SafetyAlert(models.Model):
    """A risk to anyone visiting the person's home. Shown to every visitor, whatever their organisation."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="safety_alerts")
    kind = models.CharField(max_length=30, choices=SafetyAlertKind.choices)
    detail = models.CharField(max_length=300)
    raised_on = models.DateField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-raised_on"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ClinicalStatus(models.TextChoices):
    """FHIR condition-clinical: whether the condition is there now."""

    ACTIVE = "active", "Active"
    RECURRENCE = "recurrence", "Recurrence"
    RELAPSE = "relapse", "Relapse"
    INACTIVE = "inactive", "Inactive"
    REMISSION = "remission", "In remission"
    RESOLVED = "resolved", "Resolved"


class VerificationStatus(models.TextChoices):
    """FHIR condition-ver-status: how sure the clinician is that the person has it."""

    UNCONFIRMED = "unconfirmed", "Unconfirmed"
    PROVISIONAL = "provisional", "Provisional"
    DIFFERENTIAL = "differential", "Differential"
    CONFIRMED = "confirmed", "Confirmed"
    REFUTED = "refuted", "Refuted"
    ENTERED_IN_ERROR = "entered-in-error", "Entered in error"


# A condition counts as the person's now (for the frailty index, say) only with these statuses.
CURRENT_CLINICAL_STATUSES = (ClinicalStatus.ACTIVE, ClinicalStatus.RECURRENCE, ClinicalStatus.RELAPSE)
DISCOUNTED_VERIFICATION_STATUSES = (VerificationStatus.REFUTED, VerificationStatus.ENTERED_IN_ERROR)


class Condition(models.Model):
    """A condition coded in SNOMED CT, with FHIR's clinical and verification status."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="conditions")
    snomed_code = models.CharField("SNOMED CT code", max_length=18)
    term = models.CharField(max_length=200)
    recorded_on = models.DateField()
    clinical_status = models.CharField(max_length=12, choices=ClinicalStatus.choices, default=ClinicalStatus.ACTIVE)
    verification_status = models.CharField(
        max_length=16, choices=VerificationStatus.choices, default=VerificationStatus.CONFIRMED
    )

    class Meta:
        ordering = ["term"]
        indexes = [models.Index(fields=["snomed_code"], name="condition_snomed_code")]

    def __str__(self) -> str:
        return self.term


class AdmissionMethod(models.TextChoices):
    ELECTIVE = "elective", "Planned (elective)"
    NON_ELECTIVE = "non_elective", "Unplanned (non-elective)"


class EncounterClass(models.TextChoices):
    """The FHIR v3 ActCode encounter classes that are hospital stays (others are never admissions), and displays."""

    INPATIENT = "IMP", "inpatient encounter"
    ACUTE = "ACUTE", "inpatient acute"
    NON_ACUTE = "NONAC", "inpatient non-acute"
    EMERGENCY = "EMER", "emergency"


class HospitalAdmission(models.Model):
    """A hospital stay (inpatient or emergency episode)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="admissions")
    hospital = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="admissions")
    method = models.CharField(max_length=20, choices=AdmissionMethod.choices)
    encounter_class = models.CharField(max_length=5, choices=EncounterClass.choices, default=EncounterClass.INPATIENT)
    admitted_on = models.DateField()
    discharged_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-admitted_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discharged_on__isnull=True) | models.Q(discharged_on__gte=models.F("admitted_on")),
                name="discharge_not_before_admission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} admission on {self.admitted_on}"

    @property
    def length_of_stay(self) -> int | None:
        """Nights in hospital, or None while the person is still in."""
        return (self.discharged_on - self.admitted_on).days if self.discharged_on else None


class CarePackageKind(models.TextChoices):
    HOME_CARE = "home_care", "Home care"
    REABLEMENT = "reablement", "Reablement"
    DAY_OPPORTUNITIES = "day_opportunities", "Day opportunities"
    RESIDENTIAL = "residential", "Residential care"
    DIRECT_PAYMENT = "direct_payment", "Direct payment"


class CarePackage(models.Model):
    """A social-care package arranged for the person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="care_packages")
    kind = models.CharField(max_length=30, choices=CarePackageKind.choices)
    hours_per_week = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return self.get_kind_display()
