"""Where a postcode is, for "services near here".

The synthetic city's postcodes are in the fictional OT area, and district
OT<n> is ward number n (see `oneteam.synthetic.geography`), so a postcode is
placed at the middle of its ward's neighbourhoods (LSOA centres). A real
deployment would look postcodes up in the ONS Postcode Directory instead; the
callers only need `locate`. No person's record is read here, so the public
API can use it too.
"""

from __future__ import annotations

import re

from django.db.models import Avg

from oneteam.organisations.models import LSOA
from oneteam.people.postcodes import normalise_postcode

from .search import Point

_SYNTHETIC_DISTRICT = re.compile(r"^OT([0-9]{1,2}) ")
# Synthetic ward codes are E059 followed by 900000 + the ward number.
_FIRST_SYNTHETIC_WARD = 900_000


def ward_code_for(postcode: str) -> str | None:
    """The council ward code of a synthetic postcode's district, or None if it is not one."""
    match = _SYNTHETIC_DISTRICT.match(normalise_postcode(postcode) or "")
    return f"E05{_FIRST_SYNTHETIC_WARD + int(match.group(1))}" if match else None


def locate(postcode: str) -> Point | None:
    """The middle of the postcode's district, or None if we cannot place it."""
    ward_code = ward_code_for(postcode)
    if ward_code is None:
        return None
    centre = LSOA.objects.filter(ward__code=ward_code).aggregate(latitude=Avg("latitude"), longitude=Avg("longitude"))
    if centre["latitude"] is None:
        return None
    return Point(centre["latitude"], centre["longitude"])
