"""Directory page timings: the staff search page and the public API list, over at least 5,000 services."""

from __future__ import annotations

from django.utils import timezone

from oneteam.directory.models import Service
from oneteam.directory.synthetic import generate_directory
from oneteam.organisations.models import Profession, Staff

from . import PageRequest, PageScenario

SERVICES = 5_000
SEED = 2026
# A link worker looking for a lunch club or group for a lonely person, on a Tuesday, near their home.
SEARCH = "?text=lonely&day=TU&postcode=OT3+4AB&distance=5"
# The same search through the Open Referral UK API's own parameters.
API_SEARCH = "?search=lonely&day=TU&postcode=OT3+4AB&proximity=5000"


def _services() -> str:
    """Add synthetic services until there are at least 5,000 (never removes any); say how many there are."""
    generate_directory(services=SERVICES, seed=SEED, as_of=timezone.localdate())
    return f"{Service.objects.count():,} services"


def _link_worker() -> Staff:
    staff = Staff.objects.filter(profession=Profession.VCSE_LINK_WORKER, is_active=True).order_by("pk").first()
    if staff is None:
        raise RuntimeError("The benchmark database has no VCSE link worker: generate the city first.")
    return staff


def _search() -> PageRequest:
    size = _services()
    return PageRequest(staff=_link_worker(), path=f"/directory/{SEARCH}", data_size=size)


def _api_list() -> PageRequest:
    size = _services()
    return PageRequest(staff=_link_worker(), path=f"/openreferral/services{API_SEARCH}", data_size=size)


def scenarios() -> list[PageScenario]:
    """The directory search page and the Open Referral UK services list."""
    return [
        PageScenario("directory search", 50, _search),
        PageScenario("directory api list", 50, _api_list),
    ]
