"""A synthetic community directory for the synthetic city: plausible groups and services across its neighbourhoods.

Deterministic: service number n is drawn from its own random stream (seed, n),
so the same seed always gives the same services and adding more later leaves
the first ones as they were. Dates are relative to `as_of`; about one entry in
five has not been checked for over a year, so staleness shows. The directory is
written through the Open Referral UK importer, so it is checked like any file.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from tqdm import tqdm

from oneteam.organisations.models import LSOA
from oneteam.synthetic.geography import STREETS, TOWN, UNIT_LETTERS
from oneteam.synthetic.sampling import rng_for

from .models import Detail, Location, Organization, Service, Signpost, TaxonomyTerm
from .services.importer import ImportRejected, ImportResult, import_document

# Synthetic ids before they were UUIDs began with this (see `remove_legacy_directory`).
LEGACY_PREFIX = "synthetic-"
# Every synthetic id is a UUID made from this one and the record's kind and number.
NAMESPACE = uuid.UUID("8d7f3c1e-2b4a-5e6f-9a0b-1c2d3e4f5a6b")
ORGANISATIONS = 400
TAXONOMY = "OneTeam community needs"
TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "taxonomy"))
# The city's council, which runs the means-tested services.
COUNCIL_ID = str(uuid.uuid5(NAMESPACE, "council"))
COUNTY = "Oneteamshire"
ACCESS = (
    "Step-free entrance and an accessible toilet.",
    "Wheelchair access on the ground floor; induction loop at the counter.",
    "First floor, no lift. Ask about a ground-floor room.",
)
LANGUAGES = (("pa", "Punjabi"), ("ur", "Urdu"), ("pl", "Polish"), ("bn", "Bengali"))


@dataclass(frozen=True)
class Kind:
    """A kind of service: its need, names, what it says, when it runs, who it is for and what it costs."""

    need: str
    names: tuple[str, ...]
    description: str
    days: tuple[str, ...]  # days it may run on; one or two are chosen
    hours: tuple[tuple[str, str], ...]
    ages: tuple[int | None, int | None] = (None, None)
    cost: str = "free"  # free, fee or means
    fee: float = 0


NEEDS = {
    "loneliness": "Loneliness and isolation",
    "carers": "Carer support",
    "falls": "Falls prevention and staying active",
    "mental_wellbeing": "Mental wellbeing",
    "money": "Money and benefits advice",
    "housing": "Housing and home adaptations",
    "dementia": "Dementia support",
    "food": "Food and meals",
    "transport": "Transport",
    "bereavement": "Bereavement",
    "digital": "Digital skills",
    "long_term_conditions": "Living with a long-term condition",
}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")
MORNING, AFTERNOON, LUNCH, EVENING = ("10:00", "12:00"), ("13:30", "15:30"), ("12:00", "14:00"), ("18:00", "20:00")
KINDS = (
    Kind("loneliness", ("Lunch Club", "Friendship Group", "Coffee Morning", "Chat Café"),
         "A friendly group for anyone who feels lonely or isolated. Come for a cuppa and a chat; no need to book.",
         WEEKDAYS, (MORNING, LUNCH, AFTERNOON), (50, None), "fee", 3),
    Kind("loneliness", ("Befriending Service", "Telephone Friends"),
         "A trained volunteer visits or phones each week, for people who are lonely, housebound or isolated.",
         WEEKDAYS, (MORNING, AFTERNOON), (60, None)),
    Kind("loneliness", ("Men's Shed", "Knit and Natter", "Community Choir"),
         "Make friends while you make things or sing. Good for anyone feeling lonely after a change in life.",
         (*WEEKDAYS, "SA"), (MORNING, AFTERNOON, EVENING), (18, None)),
    Kind("carers", ("Carers' Café", "Carers Support Group"),
         "Time out for unpaid carers: advice, a break and people who understand. The person you care for can come.",
         WEEKDAYS, (MORNING, AFTERNOON), (16, None)),
    Kind("carers", ("Carers Breaks",),
         "Short breaks for carers while trained staff look after the person you care for. Charged after a "
         "financial assessment by the council.", WEEKDAYS, (MORNING, AFTERNOON), (18, None), "means"),
    Kind("falls", ("Strength and Balance Class", "Chair Exercise", "Walking Group", "Tai Chi"),
         "Gentle exercise to build strength and balance and prevent falls, led by a qualified instructor.",
         WEEKDAYS, (MORNING, AFTERNOON), (55, None), "fee", 2.5),
    Kind("mental_wellbeing", ("Wellbeing Café", "Talking Group", "Peer Support Group"),
         "A safe, friendly space to talk about how you are feeling, with peer supporters who have been there.",
         (*WEEKDAYS, "SA"), (AFTERNOON, EVENING), (18, None)),
    Kind("money", ("Benefits Advice", "Money Advice Drop-in", "Pension Credit Help"),
         "Free, confidential help to check you get every benefit you are entitled to, and to deal with debt.",
         WEEKDAYS, (MORNING, AFTERNOON), (18, None)),
    Kind("housing", ("Handyperson Service", "Home Adaptations Advice"),
         "Small repairs, grab rails and key safes so you can stay safe at home. Cost depends on a means test.",
         WEEKDAYS, (MORNING, AFTERNOON), (60, None), "means"),
    Kind("dementia", ("Memory Café", "Dementia Carers Group", "Singing for the Brain"),
         "For people living with dementia or memory loss and the people who care for them: activities, "
         "company and advice.", WEEKDAYS, (MORNING, AFTERNOON), (None, None)),
    Kind("dementia", ("Dementia Day Service",),
         "A day out with activities, a hot meal and personal care for people living with dementia. Charged after "
         "a financial assessment (means-tested).", WEEKDAYS, (("09:30", "15:30"),), (50, None), "means"),
    Kind("food", ("Community Pantry", "Food Bank", "Community Meal"),
         "Good food at low or no cost, and a warm welcome. Meals on the day; no referral needed.",
         (*WEEKDAYS, "SA", "SU"), (LUNCH, EVENING), (None, None)),
    Kind("food", ("Meals on Wheels",),
         "A hot meal delivered to your door by friendly staff who check you are well.",
         (*WEEKDAYS, "SA", "SU"), (LUNCH,), (60, None), "fee", 5.5),
    Kind("transport", ("Community Transport", "Dial-a-Ride"),
         "Door-to-door minibus for people who cannot use buses, to shops, appointments and groups. Book a day ahead.",
         WEEKDAYS, (("09:00", "17:00"),), (None, None), "fee", 4),
    Kind("bereavement", ("Bereavement Support Group", "Bereavement Café"),
         "Support after the death of someone close: talk with others who understand, at your own pace.",
         WEEKDAYS, (AFTERNOON, EVENING), (18, None)),
    Kind("digital", ("Digital Skills Drop-in", "Tablet Help Café"),
         "Help to get online: video calls with family, ordering prescriptions and staying in touch.",
         WEEKDAYS, (MORNING, AFTERNOON), (None, None)),
    Kind("long_term_conditions", ("Breathe Easy Group", "Diabetes Support Group", "Heart Health Group"),
         "Meet others living with the same condition, learn to manage it and keep active.",
         WEEKDAYS, (MORNING, AFTERNOON), (18, None)),
)  # fmt: skip
VENUES = (
    "Community Centre", "Library", "Methodist Church Hall", "Parish Hall", "Mosque Community Room", "Gurdwara Hall",
    "Leisure Centre", "Health Centre Meeting Room", "Scout Hut", "Community Hub", "Working Men's Club", "Park Café",
)  # fmt: skip
ORGANISATION_KINDS = (
    "Age Friendly", "Community Association", "Neighbours", "Together", "Trust", "Friends", "Community Interest Company",
    "Good Neighbours Scheme", "Voluntary Action", "Carers Network",
)  # fmt: skip


def synthetic_id(kind: str, number: int | str) -> str:
    """The UUID of synthetic record `number` of `kind`: the same every time, so adding more services later leaves
    the first ones as they were."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}-{number}"))


def _organisations(seed: int) -> list[dict[str, Any]]:
    rng = rng_for(seed, "directory", "organisations")
    words = [street.split()[0] for street in STREETS[:: len(STREETS) // 60]]
    organisations: list[dict[str, Any]] = [
        {
            "id": COUNCIL_ID,
            "name": f"{TOWN} Council Adult Social Care",
            "description": "The council's adult social care: assessments, care at home and short breaks.",
            "legal_status": "Local authority",
            "website": "https://council.example.org/adult-social-care",
        }
    ]
    for number in range(1, ORGANISATIONS):
        name = f"{rng.choice(words)} {rng.choice(ORGANISATION_KINDS)}"
        organisations.append(
            {
                "id": synthetic_id("organization", number),
                "name": name,
                "description": f"{name} is a local voluntary group.",
                "legal_status": rng.choice(("Charity", "CIO", "CIC")),
                "email": f"hello@org{number:04d}.example.org",
                "organization_identifiers": [
                    {
                        "id": synthetic_id("organization_identifier", number),
                        "identifier_scheme": "GB-CHC",
                        "identifier_type": "Charity number",
                        "identifier": f"{1_100_000 + number}",
                    }
                ],
            }
        )
    return organisations


def _taxonomy() -> list[dict[str, Any]]:
    return [
        {
            "id": TAXONOMY_ID,
            "name": TAXONOMY,
            "description": "The needs a neighbourhood team signposts people for.",
            "taxonomy_terms": [
                {"id": term_id(code), "code": code, "name": name, "description": name, "taxonomy": TAXONOMY}
                for code, name in NEEDS.items()
            ],
        }
    ]


def term_id(code: str) -> str:
    """The UUID of the synthetic taxonomy term for need `code` (see NEEDS)."""
    return synthetic_id("need", code)


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    district: int


def _places() -> list[Place]:
    """Every LSOA centre of the city, with the postcode district of its ward (see `places.ward_code_for`)."""
    rows = LSOA.objects.order_by("code").values_list("latitude", "longitude", "ward__code")
    return [Place(lat, lon, int(code[3:]) - 900_000) for lat, lon, code in rows]


def _service(number: int, seed: int, as_of: datetime.date, where: list[Place]) -> dict[str, Any]:
    """Service `number`, nested as the API serves it, with its place, times, phone, cost, need and languages."""
    rng = rng_for(seed, "directory", "service", number)
    kind = rng.choice(KINDS)
    place = rng.choice(where)
    venue_area = rng.choice(STREETS).split()[0]
    sid = synthetic_id("service", number)
    organisation = COUNCIL_ID if kind.cost == "means" else synthetic_id("organization", rng.randrange(1, ORGANISATIONS))
    days = sorted(rng.sample(kind.days, rng.choice((1, 1, 2))), key=("MO", "TU", "WE", "TH", "FR", "SA", "SU").index)
    opens, closes = rng.choice(kind.hours)
    service: dict[str, Any] = {
        "id": sid,
        "organization_id": organisation,
        "name": f"{venue_area} {rng.choice(kind.names)}",
        "description": kind.description,
        "status": "active" if rng.random() > 0.02 else "temporarily closed",
        "email": f"service{number:05d}@example.org",
    }
    checked = _checked(rng, as_of)
    if checked is not None:
        service["assured_date"] = checked
    low, high = kind.ages
    if low is not None:
        service["minimum_age"] = low
        service["eligibility_description"] = f"People aged {low} and over"
    if high is not None:
        service["maximum_age"] = high
    if rng.random() < 0.05:
        service["alert"] = "Closed for the school holidays; back next month."
    location_id = synthetic_id("location", number)
    service["service_at_locations"] = [
        {
            "id": synthetic_id("service_at_location", number),
            "location": {
                "id": location_id,
                "location_type": "physical",
                "name": f"{venue_area} {rng.choice(VENUES)}",
                "latitude": round(place.latitude + rng.uniform(-0.006, 0.006), 6),
                "longitude": round(place.longitude + rng.uniform(-0.009, 0.009), 6),
                "addresses": [
                    {
                        "id": synthetic_id("address", number),
                        "address_1": f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                        "city": TOWN,
                        "state_province": COUNTY,
                        "postal_code": _postcode(rng, place.district),
                        "country": "GB",
                        "address_type": "physical",
                    }
                ],
                "accessibility": [
                    {"id": synthetic_id("accessibility", number), "accessibility": rng.choice(ACCESS)},
                ],
            },
        }
    ]
    service["schedules"] = [
        {
            "id": synthetic_id("schedule", number),
            "freq": "WEEKLY",
            "byday": ",".join(days),
            "opens_at": opens,
            "closes_at": closes,
        }
    ]
    service["phones"] = [{"id": synthetic_id("phone", number), "number": _phone(rng)}]
    service["languages"] = [
        {"id": synthetic_id("language", f"{number}-{code}"), "name": name, "code": code}
        for code, name in (("en", "English"), *([rng.choice(LANGUAGES)] if rng.random() < 0.3 else []))
    ]
    if kind.cost == "fee":
        service["cost_options"] = [
            {
                "id": synthetic_id("cost_option", number),
                "option": "Per session",
                "currency": "GBP",
                "amount": kind.fee,
            }
        ]
        service["fees_description"] = f"£{kind.fee:.2f} a session."
    elif kind.cost == "means":
        service["cost_options"] = [
            {
                "id": synthetic_id("cost_option", number),
                "option": "Means-tested charge",
                "amount_description": "Worked out by the council's financial assessment",
            }
        ]
    service["attributes"] = [
        {"id": synthetic_id("attribute", number), "taxonomy_term_id": term_id(kind.need), "link_type": "need"}
    ]
    return service


def _checked(rng: random.Random, as_of: datetime.date) -> str | None:
    """When the entry was last checked: most within the year, about one in five longer ago, a few never."""
    roll = rng.random()
    if roll < 0.03:
        return None
    days_ago = rng.randint(380, 1000) if roll < 0.22 else rng.randint(0, 330)
    return (as_of - datetime.timedelta(days=days_ago)).isoformat()


def _postcode(rng: random.Random, district: int) -> str:
    return f"OT{district} {rng.randrange(10)}{''.join(rng.choices(UNIT_LETTERS, k=2))}"


def _phone(rng: random.Random) -> str:
    # Ofcom's drama range for Leeds (0113 496 0000 to 0999), never a real line.
    return f"0113 496 0{rng.randint(0, 999):03d}"


def directory_document(
    *, numbers: list[int], seed: int, as_of: datetime.date, progress: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """A OneTeam directory document of services `numbers` (nested as the API serves them), with every
    organisation and need."""
    where = _places()
    if not where:
        raise ValueError("the synthetic directory needs the city's map: run generate_city first")
    return {
        "taxonomy": _taxonomy(),
        "organization": _organisations(seed),
        "service": [_service(n, seed, as_of, where) for n in tqdm(numbers, unit=" services", disable=not progress)],
    }


def remove_legacy_directory() -> int:
    """Delete the synthetic directory made before ids were UUIDs (ids like "synthetic-service-00001"), so an
    upgraded demo does not list every service twice; returns how many services went. Refuses, changing
    nothing, if anyone has been signposted to one of them."""
    services = Service.objects.filter(pk__startswith=LEGACY_PREFIX)
    if Signpost.objects.filter(service__in=services).exists():
        raise ValueError("people have been signposted to the old synthetic directory, so it is kept")
    with transaction.atomic():
        Detail.objects.filter(Q(parent_id__startswith=LEGACY_PREFIX) | Q(record_id__startswith=LEGACY_PREFIX)).delete()
        removed, _ = services.delete()  # with their places, schedules, contacts, phones, costs, reports and edits
        Location.objects.filter(pk__startswith=LEGACY_PREFIX).delete()
        Organization.objects.filter(pk__startswith=LEGACY_PREFIX).delete()
        TaxonomyTerm.objects.filter(pk__in=[f"need-{code}" for code in NEEDS], services__isnull=True).delete()
    return removed


def generate_directory(*, services: int, seed: int, as_of: datetime.date, progress: bool = False) -> ImportResult:
    """Make sure the directory holds at least `services` synthetic services, adding only the missing ones (and
    replacing a synthetic directory from before ids were UUIDs)."""
    remove_legacy_directory()
    wanted = {synthetic_id("service", n): n for n in range(1, services + 1)}
    have = set()
    for start in range(0, len(wanted), 5000):
        chunk = list(wanted)[start : start + 5000]
        have |= set(Service.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    missing = sorted(n for sid, n in wanted.items() if sid not in have)
    document = directory_document(numbers=missing, seed=seed, as_of=as_of, progress=progress)
    try:
        return import_document(document, "synthetic directory")
    except ImportRejected as rejected:
        raise ValueError(f"the synthetic directory is not valid: {[str(p) for p in rejected.problems[:3]]}") from None
