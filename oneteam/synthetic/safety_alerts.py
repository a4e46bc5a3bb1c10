"""Safety alerts: risks to anyone visiting a resident's home, shown to every visitor whatever their organisation."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator, Sequence

from oneteam.people.models import SafetyAlert, SafetyAlertKind

from .resident import Alert, Resident
from .sampling import Weighted, chance, day_between, years_before
from .writer import Row, Table

SAFETY_ALERT = Table(SafetyAlert, ("id", "person", "kind", "detail", "raised_on", "active"))

SAFETY_ALERT_CHANCE = 0.006  # of adults: about 0.5% of all residents
ALERT_DETAILS: dict[str, tuple[str, ...]] = {
    SafetyAlertKind.DANGEROUS_DOG.value: (
        "Large dog at the property has bitten a visitor. Phone ahead and ask for it to be shut away.",
        "Two bull terriers, not always secured. Wait at the gate until the dogs are in another room.",
        "Dog is protective of the person and growls at staff. Ask the family to put it in the garden first.",
        "German shepherd loose in the front garden. Do not go in until the owner has secured it.",
    ),
    SafetyAlertKind.AGGRESSIVE_RELATIVE.value: (
        "Son has been verbally aggressive to staff. Do not visit alone if he is present.",
        "Partner has threatened a carer. Check who is at home before entering; leave if he is there.",
        "Relative becomes hostile when care is discussed. Keep visits short and have a phone to hand.",
        "A regular visitor to the house has been violent in the past; police aware. Visit in daylight.",
    ),
    SafetyAlertKind.INFECTION_RISK.value: (
        "MRSA positive on wound swab. Apron and gloves for all personal and wound care.",
        "Scabies under treatment. Wear gloves and apron; bag used linen.",
        "Bed bugs reported at the property. Do not sit on soft furnishings; leave bags in the car.",
        "C. difficile during recent hospital stay. Wash hands with soap and water, not alcohol gel.",
    ),
    SafetyAlertKind.VISIT_IN_PAIRS.value: (
        "Visit in pairs: a member of staff was assaulted on a previous visit.",
        "Allegation made against a lone visitor. Always visit in pairs.",
        "Isolated house down an unlit lane with no mobile signal. Visit in pairs, in daylight.",
        "Can become physically aggressive when confused. Two staff for personal care.",
    ),
    SafetyAlertKind.OTHER.value: (
        "Hoarding: narrow paths through rooms and a trip hazard on the stairs.",
        "Home oxygen in use. No smoking or naked flames; take care with trailing tubing.",
        "Broken front step and no outside light. Use the back door after dark.",
        "Shotgun kept in a locked cabinet at the property (licensed).",
    ),
}
ALERT_KIND = Weighted(
    [
        (SafetyAlertKind.DANGEROUS_DOG.value, 30),
        (SafetyAlertKind.AGGRESSIVE_RELATIVE.value, 20),
        (SafetyAlertKind.INFECTION_RISK.value, 20),
        (SafetyAlertKind.VISIT_IN_PAIRS.value, 15),
        (SafetyAlertKind.OTHER.value, 15),
    ]
)


def raise_safety_alerts(residents: Sequence[Resident], as_of: datetime.date, rng: random.Random) -> None:
    """Record risks to visiting staff for about one adult in two hundred, more often in deprived areas."""
    for resident in residents:
        deprivation = 1 + 0.5 * (5.5 - resident.decile) / 4.5
        # The alerts are written about adults (their partners, their grown-up sons, their own behaviour).
        if resident.age < 18 or not chance(rng, SAFETY_ALERT_CHANCE * deprivation):
            continue
        for _ in range(2 if chance(rng, 0.1) else 1):
            kind = ALERT_KIND.pick(rng)
            details = ALERT_DETAILS[kind]
            raised_on = day_between(rng, max(resident.date_of_birth, years_before(as_of, 5)), resident.last_day)
            resident.alerts.append(Alert(kind, details[rng.randrange(len(details))], raised_on, chance(rng, 0.8)))


def safety_alert_rows(residents: Sequence[Resident], ids: Iterator[int]) -> Iterator[Row]:
    """Rows for the safety-alert table."""
    return ((next(ids), r.id, *alert) for r in residents for alert in r.alerts)
