"""What the FHIR app stores: which systems may use the API, and the little clinical data OneTeam had nowhere to keep.

A system's API token is the hospital system's token (`referrals.HospitalSystem`),
so one token model serves both the admission feed and the FHIR API. An
`ApiClient` adds what the FHIR API needs on top: the purpose the system reads
for, and the service account whose place in the organisation the access policy
judges (see docs/adr/0008-fhir-api-clients-and-import.md).
"""

from __future__ import annotations

from django.db import models

from oneteam.access.models import Purpose
from oneteam.organisations.models import Organisation, ServiceAccount
from oneteam.people.models import Person
from oneteam.referrals.models import HospitalSystem


class ApiClient(models.Model):
    """A system allowed to read (and, if `may_import`, write) through the FHIR API."""

    system = models.OneToOneField(HospitalSystem, on_delete=models.CASCADE, related_name="fhir_client")
    # The policy judges the system as this account: same organisation as the system, a profession and
    # teams chosen when the token is set up, and no way to sign in (docs/adr/0020).
    staff = models.OneToOneField(ServiceAccount, on_delete=models.PROTECT, related_name="fhir_client")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    may_import = models.BooleanField(default=False)

    def __str__(self) -> str:
        return str(self.system)


class Allergy(models.Model):
    """An allergy or intolerance coded in SNOMED CT, taken from imported AllergyIntolerance resources."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="allergies")
    snomed_code = models.CharField("SNOMED CT code", max_length=18)
    term = models.CharField(max_length=200)
    recorded_on = models.DateField()

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(fields=["person", "snomed_code", "recorded_on"], name="allergy_once"),
        ]

    def __str__(self) -> str:
        return self.term


class RepeatMedication(models.Model):
    """A repeat medicine seen in an import, kept only so the person's repeat-medication count is not double-counted."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=200, help_text="The medicine's code (SNOMED CT / dm+d) or, failing that, text")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "code"], name="repeat_medication_once")]

    def __str__(self) -> str:
        return self.code


class OrganisationIdentifier(models.Model):
    """An identifier other than the ODS code that a FHIR import gave an organisation, so the next import finds it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="fhir_identifiers")
    system = models.CharField(max_length=200)
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "value"], name="organisation_identifier_once")]

    def __str__(self) -> str:
        return f"{self.system}|{self.value}"
