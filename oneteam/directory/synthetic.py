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
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm

from oneteam.organisations.models import LSOA
from oneteam.synthetic.geography import STREETS, TOWN, UNIT_LETTERS
from oneteam.synthetic.sampling import rng_for

from .importer import ImportResult, check, write
from .models import Service

ORGANISATIONS = 400
TAXONOMY = "OneTeam community needs"
# The city's council, which runs the means-tested services.
COUNCIL_ID = "synthetic-org-council"


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


def _organisations(seed: int) -> list[dict[str, Any]]:
    rng = rng_for(seed, "directory", "organisations")
    words = [street.split()[0] for street in STREETS[:: len(STREETS) // 60]]
    organisations: list[dict[str, Any]] = [
        {
            "id": COUNCIL_ID,
            "name": f"{TOWN} Council Adult Social Care",
            "legal_status": "Local authority",
            "website": "https://council.example.org/adult-social-care",
        }
    ]
    for number in range(1, ORGANISATIONS):
        name = f"{rng.choice(words)} {rng.choice(ORGANISATION_KINDS)}"
        organisations.append(
            {
                "id": f"synthetic-org-{number:04d}",
                "name": name,
                "legal_status": rng.choice(("Charity", "CIO", "CIC")),
                "email": f"hello@org{number:04d}.example.org",
            }
        )
    return organisations


def _taxonomy() -> list[dict[str, Any]]:
    return [{"id": f"need-{code}", "code": code, "name": name, "taxonomy": TAXONOMY} for code, name in NEEDS.items()]


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    district: int


def _places() -> list[Place]:
    """Every LSOA centre of the city, with the postcode district of its ward (see `places.ward_code_for`)."""
    rows = LSOA.objects.order_by("code").values_list("latitude", "longitude", "ward__code")
    return [Place(lat, lon, int(code[3:]) - 900_000) for lat, lon, code in rows]


def _service(number: int, seed: int, as_of: datetime.date, where: list[Place]) -> dict[str, list[dict[str, Any]]]:
    """Service `number` and its location, schedule, phone, cost and need, from its own random stream."""
    rng = rng_for(seed, "directory", "service", number)
    kind = rng.choice(KINDS)
    place = rng.choice(where)
    venue_area = rng.choice(STREETS).split()[0]
    sid = f"synthetic-service-{number:05d}"
    organisation = COUNCIL_ID if kind.cost == "means" else f"synthetic-org-{rng.randrange(1, ORGANISATIONS):04d}"
    days = sorted(rng.sample(kind.days, rng.choice((1, 1, 2))), key=("MO", "TU", "WE", "TH", "FR", "SA", "SU").index)
    opens, closes = rng.choice(kind.hours)
    service: dict[str, Any] = {
        "id": sid,
        "organization_id": organisation,
        "name": f"{venue_area} {rng.choice(kind.names)}",
        "description": kind.description,
        "status": "active" if rng.random() > 0.02 else "temporarily closed",
        "assured_date": _checked(rng, as_of),
        "email": f"service{number:05d}@example.org",
    }
    low, high = kind.ages
    if low is not None:
        service["minimum_age"] = low
        service["eligibility_description"] = f"People aged {low} and over"
    if high is not None:
        service["maximum_age"] = high
    location = {
        "id": f"synthetic-location-{number:05d}",
        "location_type": "physical",
        "name": f"{venue_area} {rng.choice(VENUES)}",
        "latitude": round(place.latitude + rng.uniform(-0.006, 0.006), 6),
        "longitude": round(place.longitude + rng.uniform(-0.009, 0.009), 6),
        "addresses": [
            {
                "id": f"synthetic-address-{number:05d}",
                "address_1": f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                "city": TOWN,
                "postal_code": f"OT{place.district} {rng.randrange(10)}{''.join(rng.choices(UNIT_LETTERS, k=2))}",
                "country": "GB",
            }
        ],
    }
    cost: list[dict[str, Any]] = []
    if kind.cost == "fee":
        cost = [
            {
                "id": f"synthetic-cost-{number:05d}",
                "service_id": sid,
                "option": "Per session",
                "currency": "GBP",
                "amount": kind.fee,
            }
        ]
        service["fees_description"] = f"£{kind.fee:.2f} a session."
    elif kind.cost == "means":
        cost = [
            {
                "id": f"synthetic-cost-{number:05d}",
                "service_id": sid,
                "option": "Means-tested charge",
                "amount_description": "Worked out by the council's financial assessment",
            }
        ]
    return {
        "service": [service],
        "location": [location],
        "service_at_location": [
            {"id": f"synthetic-sal-{number:05d}", "service_id": sid, "location_id": location["id"]}
        ],
        "schedule": [
            {
                "id": f"synthetic-schedule-{number:05d}",
                "service_id": sid,
                "freq": "WEEKLY",
                "byday": ",".join(days),
                "opens_at": opens,
                "closes_at": closes,
            }
        ],
        "phone": [{"id": f"synthetic-phone-{number:05d}", "service_id": sid, "number": _phone(rng)}],
        "cost_option": cost,
        "attribute": [
            {
                "id": f"synthetic-attr-{number:05d}",
                "link_id": sid,
                "link_type": "service",
                "taxonomy_term_id": f"need-{kind.need}",
            }
        ],
    }


def _checked(rng: random.Random, as_of: datetime.date) -> str | None:
    """When the entry was last checked: most within the year, about one in five longer ago, a few never."""
    roll = rng.random()
    if roll < 0.03:
        return None
    days_ago = rng.randint(380, 1000) if roll < 0.22 else rng.randint(0, 330)
    return (as_of - datetime.timedelta(days=days_ago)).isoformat()


def _phone(rng: random.Random) -> str:
    # Ofcom's drama range for Leeds (0113 496 0000 to 0999), never a real line.
    return f"0113 496 0{rng.randint(0, 999):03d}"


def directory_document(
    *, first: int, count: int, seed: int, as_of: datetime.date, progress: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """An Open Referral UK document of services `first` to `first + count - 1`, with every organisation and need."""
    where = _places()
    if not where:
        raise ValueError("the synthetic directory needs the city's map: run generate_city first")
    document: dict[str, list[dict[str, Any]]] = {"organization": _organisations(seed), "taxonomy_term": _taxonomy()}
    for number in tqdm(range(first, first + count), unit=" services", disable=not progress):
        for table, records in _service(number, seed, as_of, where).items():
            document.setdefault(table, []).extend(records)
    return document


def generate_directory(*, services: int, seed: int, as_of: datetime.date, progress: bool = False) -> ImportResult:
    """Make sure the directory holds at least `services` synthetic services, adding only the missing ones."""
    have = Service.objects.filter(pk__startswith="synthetic-service-").count()
    count = max(services - have, 0)
    document = directory_document(first=have + 1, count=count, seed=seed, as_of=as_of, progress=progress)
    parsed, problems = check(document, "synthetic directory")
    if problems:
        raise ValueError(f"the synthetic directory is not valid: {problems[:3]}")
    return write(parsed)
