"""The community directory, following the Open Referral UK profile of HSDS 3, and signposting from it.

Directory tables carry the HSDS `id` (a UUID) of each record as their key, so
an Open Referral UK file can be imported again and again without duplicates.
Each record keeps every field as the file gave it in `record` (JSON), which is
what the API serves and the export writes; the columns beside it are copies of
the fields that search, sorting and the staff pages need, filled in at import.
Tables the directory never searches (addresses, accessibility, languages,
funding, service areas, organisation identifiers, attributes and taxonomies)
are kept whole in `Detail`. See docs/adr/0015-open-referral-uk-formats-and-api.md.

Directory data is public information about services, not personal data.
Signposting (`Signpost`) is about a person and goes through the access policy.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from oneteam.people.models import Person


class Organization(models.Model):
    """An organisation that provides services (HSDS `organization`)."""

    id = models.CharField(primary_key=True, max_length=250)
    record = models.JSONField(default=dict, help_text="Every field as the file gave it (HSDS names)")
    name = models.CharField(max_length=250)
    alternate_name = models.CharField(max_length=250, blank=True)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    legal_status = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    ACTIVE = "active", "Running"
    INACTIVE = "inactive", "Not running at the moment"
    DEFUNCT = "defunct", "Closed"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class Charging(models.TextChoices):
    """What the person pays, worked out from the service's cost options (see `importer.charging_for`)."""

    FREE = "free", "Free"
    MEANS_TESTED = "means_tested", "Means-tested"
    FEE = "fee", "Fee"


CHARGING_EXPLAINED = {
    Charging.FREE: "Free to everyone who is eligible.",
    Charging.MEANS_TESTED: (
        "Means-tested: the council works out what the person pays from their income and savings. "
        "Some people pay nothing, some pay part of the cost, some pay all of it."
    ),
    Charging.FEE: "The person pays a set charge.",
}


class TaxonomyTerm(models.Model):
    """A term from a taxonomy, used to say what needs a service meets (HSDS `taxonomy_term`)."""

    id = models.CharField(primary_key=True, max_length=250)
    record = models.JSONField(default=dict, help_text="Every field as the file gave it (HSDS names)")
    code = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    taxonomy = models.CharField(max_length=250, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A service an organisation offers (HSDS `service`), with when it was last checked (`assured_date`)."""

    id = models.CharField(primary_key=True, max_length=250)
    record = models.JSONField(default=dict, help_text="Every field as the file gave it (HSDS names)")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=250)
    alternate_name = models.CharField(max_length=250, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True, help_text="When the details were last checked")
    assurer_email = models.EmailField(blank=True)
    taxonomy_terms = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    # Derived at import from the cost options, so searches can filter on it without a join.
    charging = models.CharField(max_length=12, choices=Charging.choices, default=Charging.FREE)
    # Name, description, organisation and taxonomy terms in lower case, for free-text search without joins.
    search_text = models.TextField(blank=True, editable=False)
    # The days any of its schedules run on, "MO,TU", so a search by day needs no join.
    days = models.CharField(max_length=20, blank=True, editable=False)
    # When it or anything about it last changed (`last_modified` if the file says, else when it was imported).
    modified_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="directory_service_ages_in_order",
            )
        ]
        indexes = [models.Index(fields=["status", "assured_date"], name="directory_service_status")]

    def __str__(self) -> str:
        return self.name


class LocationType(models.TextChoices):
    PHYSICAL = "physical", "A place to visit"
    POSTAL = "postal", "Postal address"
    VIRTUAL = "virtual", "Online or by phone"


class Location(models.Model):
    """Where services are delivered (HSDS `location`, with its one address)."""

    id = models.CharField(primary_key=True, max_length=250)
    record = models.JSONField(default=dict, help_text="Every field as the file gave it (HSDS names)")
    location_type = models.CharField(max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="locations"
    )
    name = models.CharField(max_length=250, blank=True)
    description = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    address_id = models.CharField(max_length=250, blank=True)
    address_1 = models.CharField(max_length=250, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    country = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.address_1


class ServiceAtLocation(models.Model):
    """A service delivered at a location (HSDS `service_at_location`)."""

    id = models.CharField(primary_key=True, max_length=250)
    record = models.JSONField(default=dict, help_text="Every field as the file gave it (HSDS names)")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="service_at_locations")
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.service_id} at {self.location_id}"


class Schedule(models.Model):
    """When a service is open, as an iCalendar-style rule (HSDS `schedule`): e.g. weekly on TU from 10:00 to 12:00."""

    id = models.CharField(primary_key=True, max_length=250)
    record = models.JSONField(default=dict, help_text="Every field as the file gave it (HSDS names)")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    freq = models.CharField(max_length=10, blank=True)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    # Comma-separated two-letter days, upper case: "MO,WE,FR".
    byday = models.CharField(max_length=50, blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description or f"{self.freq} {self.byday}"


class Contact(models.Model):
    """A named contact for a service (HSDS `contact`)."""

    id = models.CharField(primary_key=True, max_length=250)
    record = models.JSONField(default=dict, help_text="Every field as the file gave it (HSDS names)")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(max_length=250, blank=True)
    title = models.CharField(max_length=250, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Phone(models.Model):
    """A phone number of a service, location, organisation or contact (HSDS `phone`)."""

    id = models.CharField(primary_key=True, max_length=250)
    record = models.JSONField(default=dict, help_text="Every field as the file gave it (HSDS names)")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    number = models.CharField(max_length=50)
    extension = models.CharField(max_length=20, blank=True)
    type = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.number


class CostOption(models.Model):
    """What a service costs (HSDS `cost_option`); `option` says what the charge is for or how it is worked out."""

    id = models.CharField(primary_key=True, max_length=250)
    record = models.JSONField(default=dict, help_text="Every field as the file gave it (HSDS names)")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField(max_length=250, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    amount_description = models.TextField(blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.option


class Detail(models.Model):
    """A record of a table the directory shows or serves but never searches: an address, accessibility, language,
    funding, service area, organisation identifier, attribute or taxonomy. `parent_id` is the record it belongs
    to (an attribute's `link_id`), so a page of services loads all of theirs in one query."""

    table = models.CharField(max_length=30)
    record_id = models.CharField(max_length=250)
    parent_id = models.CharField(max_length=250, blank=True, db_index=True)
    record = models.JSONField(default=dict)

    class Meta:
        ordering = ["table", "record_id"]
        constraints = [models.UniqueConstraint(fields=["table", "record_id"], name="directory_detail_unique")]

    def __str__(self) -> str:
        return f"{self.table} {self.record_id}"

    def get(self, name: str, default: Any = "") -> Any:
        return self.record.get(name, default)


class EntryEdit(models.Model):
    """A change a directory maintainer made to an entry, field by field (`changes`: field -> [before, after]),
    and whether they confirmed that all its details are right (which alone marks the entry checked)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="edits")
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField()
    changes = models.JSONField(default=dict)
    confirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-edited_at", "-pk"]

    def __str__(self) -> str:
        return f"Edit of {self.service_id}"


class DetailReport(models.Model):
    """A member of staff's report that something in a directory entry is out of date, for a maintainer to fix."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="detail_reports")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()
    what_is_wrong = models.TextField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["reported_at", "pk"]
        indexes = [models.Index(fields=["resolved_at", "reported_at"], name="directory_report_queue")]

    def __str__(self) -> str:
        return f"Report on {self.service_id}"


class SignpostOutcome(models.TextChoices):
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    NOT_SUITABLE = "not_suitable", "Not suitable"


class Signpost(models.Model):
    """A person was pointed to a service (social prescribing), with a follow-up date and, later, what happened.

    The member of staff who signposted owns the follow-up: it shows in their inbox from its date until an
    outcome is recorded.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="signposts")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="signposts")
    signposted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signposts")
    signposted_at = models.DateTimeField()
    note = models.TextField()
    follow_up_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=SignpostOutcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-signposted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome=SignpostOutcome.DID_NOT_ATTEND) | ~models.Q(outcome_note=""),
                name="did_not_attend_says_why",
            )
        ]
        indexes = [models.Index(fields=["signposted_by", "outcome", "follow_up_on"], name="signpost_follow_ups")]

    def __str__(self) -> str:
        return f"Signposted to {self.service_id}"
