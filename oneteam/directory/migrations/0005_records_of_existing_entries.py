"""Directories imported before records were kept: fill each record from its columns, so nothing already in the
directory is lost from the API or the export. A location's address becomes an `address` Detail and each
service-to-need link an `attribute` Detail, as the profile has them. Ids stay as they were (see ADR 0015).
"""

import datetime
import decimal
from typing import Any

from django.db import migrations
from django.utils import timezone

TABLES = ("Organization", "TaxonomyTerm", "Service", "Location", "ServiceAtLocation", "Schedule", "Contact", "Phone",
          "CostOption")  # fmt: skip
# Columns that were never HSDS fields: worked out at import, or the address now kept as a Detail.
NOT_FIELDS = {
    "record", "charging", "search_text", "days", "modified_at",
    "address_id", "address_1", "city", "postal_code", "country",
}  # fmt: skip


def _json(value: Any) -> Any:
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == int(value) else float(value)
    return value


def fill(apps: Any, schema_editor: Any) -> None:
    for name in TABLES:
        model = apps.get_model("directory", name)
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in NOT_FIELDS]
        changed = []
        for row in model.objects.filter(record={}):
            row.record = {n: _json(getattr(row, n)) for n in names if getattr(row, n) not in (None, "")}
            changed.append(row)
        model.objects.bulk_update(changed, ["record"], batch_size=1000)
    Detail = apps.get_model("directory", "Detail")
    Location = apps.get_model("directory", "Location")
    addresses = [
        Detail(
            table="address",
            record_id=location.address_id or f"{location.pk}-address",
            parent_id=location.pk,
            record={
                "id": location.address_id or f"{location.pk}-address",
                "location_id": location.pk,
                "address_1": location.address_1,
                "city": location.city,
                "postal_code": location.postal_code,
                "country": location.country or "GB",
                "address_type": "physical",
            },
        )  # fmt: skip
        for location in Location.objects.exclude(address_1="", postal_code="")
    ]
    Detail.objects.bulk_create(addresses, batch_size=1000, ignore_conflicts=True)
    links = apps.get_model("directory", "Service").taxonomy_terms.through.objects.all()
    attributes = [
        Detail(
            table="attribute",
            record_id=f"{link.service_id}:{link.taxonomyterm_id}",
            parent_id=link.service_id,
            record={
                "id": f"{link.service_id}:{link.taxonomyterm_id}",
                "link_id": link.service_id,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": link.taxonomyterm_id,
            },
        )  # fmt: skip
        for link in links
    ]
    Detail.objects.bulk_create(attributes, batch_size=1000, ignore_conflicts=True)
    apps.get_model("directory", "Service").objects.filter(modified_at__isnull=True).update(modified_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_entry_edits")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
