"""The organisation map of the city and the staff who work in it.

Health and social care use different boundaries: a GP practice belongs to one
neighbourhood (the health boundary) while council wards make up neighbourhoods
for social care. Both are kept, because they do not line up.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class Locality(models.Model):
    """One of the city's three localities (North, Central, South)."""

    name = models.CharField(max_length=50, unique=True)

    class Meta:
        verbose_name_plural = "localities"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    """A neighbourhood of 30–50k residents served by one integrated neighbourhood team."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=50, unique=True)
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="neighbourhoods")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Sector(models.TextChoices):
    NHS_COMMUNITY = "nhs_community", "NHS community health"
    ADULT_SOCIAL_CARE = "adult_social_care", "Local authority adult social care"
    GP_PRACTICE = "gp_practice", "GP practice"
    MENTAL_HEALTH = "mental_health", "Mental health trust"
    ACUTE_HOSPITAL = "acute_hospital", "Acute hospital"
    VCSE = "vcse", "Voluntary, community and social enterprise"
    # An organisation another system told us about without saying what kind it is.
    OTHER = "other", "Other organisation"


class Organisation(models.Model):
    """A partner organisation, identified by its ODS code when it has one (a FHIR import may bring one without)."""

    name = models.CharField(max_length=200)
    ods_code = models.CharField("ODS code", max_length=10, unique=True, null=True, blank=True)
    sector = models.CharField(max_length=30, choices=Sector.choices)
    # Set for GP practices: the neighbourhood the practice belongs to (the health boundary).
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, null=True, blank=True, related_name="gp_practices"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(sector="gp_practice") | models.Q(neighbourhood__isnull=False),
                name="gp_practice_has_neighbourhood",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Ward(models.Model):
    """A council ward: the social-care boundary. Each ward is assigned to one neighbourhood."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100)
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="wards")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LSOA(models.Model):
    """A lower-layer super output area, with its index-of-deprivation decile (1 = most deprived)."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="lsoas")
    imd_decile = models.PositiveSmallIntegerField("deprivation decile")
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        verbose_name = "LSOA"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(imd_decile__gte=1, imd_decile__lte=10), name="imd_decile_1_to_10")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Team(models.Model):
    """A team staff belong to; an integrated neighbourhood team serves one neighbourhood."""

    name = models.CharField(max_length=100, unique=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, null=True, blank=True, related_name="teams"
    )
    # The neighbourhood's single point of access: new referrals wait in this team's queue.
    takes_referrals = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood"],
                condition=models.Q(takes_referrals=True),
                name="one_front_door_per_neighbourhood",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Profession(models.TextChoices):
    DISTRICT_NURSE = "district_nurse", "District nurse"
    COMMUNITY_MATRON = "community_matron", "Community matron"
    OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"
    PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"
    SOCIAL_WORKER = "social_worker", "Social worker"
    SOCIAL_CARE_ASSESSOR = "social_care_assessor", "Social care assessor"
    GP = "gp", "GP"
    CARE_COORDINATOR = "care_coordinator", "Care coordinator"
    MENTAL_HEALTH_NURSE = "mental_health_nurse", "Mental health nurse"
    VCSE_LINK_WORKER = "vcse_link_worker", "VCSE link worker"
    TEAM_LEAD = "team_lead", "Team lead"
    ANALYST = "analyst", "Analyst"
    INFORMATION_GOVERNANCE_OFFICER = "information_governance_officer", "Information governance officer"
    ADMINISTRATOR = "administrator", "Administrator"


class StaffManager(UserManager["Staff"]):
    """People only: every staff list, picker, count and sign-in lookup leaves service accounts out."""

    def get_queryset(self) -> models.QuerySet[Staff]:
        return super().get_queryset().filter(is_service_account=False)


class Staff(AbstractUser):
    """A member of staff who signs in to OneTeam. Replaces Django's default user.

    The table also holds service accounts (`ServiceAccount`), so that the access policy judges a
    system exactly as it judges a person in the same organisation, profession and teams. `Staff.objects`
    (the default manager, which sign-in, forms and related lists use) never returns them; following a
    foreign key (an audit event's `staff`) uses Django's plain base manager and still finds them.
    """

    profession = models.CharField(max_length=40, choices=Profession.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    is_service_account = models.BooleanField(
        default=False, editable=False, help_text="A system's account (an API client), not a person; never signs in"
    )

    objects: ClassVar[StaffManager] = StaffManager()
    # Staff and service accounts alike: for the audit log (what a system did) and for deleting the demo city.
    all_accounts = models.Manager["Staff"]()

    class Meta:
        verbose_name = "staff member"
        verbose_name_plural = "staff"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ServiceAccountManager(models.Manager["ServiceAccount"]):
    """Service accounts only."""

    def get_queryset(self) -> models.QuerySet[ServiceAccount]:
        return super().get_queryset().filter(is_service_account=True)


class ServiceAccount(Staff):
    """The account a system (an API client) acts as: a row of the staff table that is no one's person.

    It has a profession, organisation and teams like a member of staff, so the one access policy
    judges it, but no usable password, and the default staff manager hides it (docs/adr/0020).
    """

    objects: ClassVar[ServiceAccountManager] = ServiceAccountManager()  # type: ignore[assignment]

    class Meta:
        proxy = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A service account saved without the flag would turn into a member of staff who can sign in.
        self.is_service_account = True
        super().save(*args, **kwargs)
