"""The CapabilityStatement served at /fhir/metadata: what this server reads, searches and imports."""

from __future__ import annotations

from . import codes
from .records import READERS
from .registry import DIRECTORY, PERSON_RESOURCES
from .resources import Json

_SEARCH = {
    "Patient": [
        ("identifier", "token", f"{codes.NHS_NUMBER}|<NHS number>"),
        ("name", "string", "Start of the family or given name"),
        ("family", "string", "Start of the family name"),
        ("given", "string", "Start of the given name"),
        ("birthdate", "date", "Date of birth, YYYY-MM-DD"),
    ],
    "Organization": [("identifier", "token", f"{codes.ODS_CODE}|<ODS code>"), ("name", "string", "Part of the name")],
    "Practitioner": [
        ("identifier", "token", f"{codes.STAFF_USERNAME}|<username>"),
        ("name", "string", "Start of a name"),
    ],
    "Questionnaire": [
        ("name", "string", "Start of the template's name (its code)"),
        ("url", "uri", "The canonical URL, shared by every version"),
        ("status", "token", "active (the current version) or retired (replaced by a newer one)"),
    ],
}
_BY_PATIENT = [("patient", "reference", "The Patient's id")]
# Every search also pages: `_count` entries from `_offset` (Bundle.link next and previous carry them).
_PAGING = [
    ("_count", "number", "Entries per page, 1 to 100 (20 if not given)"),
    ("_offset", "number", "Where the page starts; follow Bundle.link next and previous rather than setting it"),
]


def _resource(resource_type: str, interactions: list[str]) -> Json:
    entry: Json = {
        "type": resource_type,
        "profile": codes.profile(resource_type),
        "interaction": [{"code": code} for code in interactions],
        "searchParam": [
            {"name": name, "type": kind, "documentation": words}
            for name, kind, words in [*_SEARCH.get(resource_type, _BY_PATIENT), *_PAGING]
        ],
    }
    if resource_type == "Patient":
        entry["operation"] = [
            {"name": "everything", "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"}
        ]
    return entry


def capability_statement(base_url: str, date: str) -> Json:
    """This server's CapabilityStatement, with `base_url` as its address."""
    rest = [
        _resource(name, ["read", "search-type", *(["create"] if name == "Encounter" else [])])
        for name in [*PERSON_RESOURCES, *DIRECTORY]
    ]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date,
        "publisher": "OneTeam",
        "kind": "instance",
        "software": {"name": "OneTeam"},
        "implementation": {"description": "OneTeam FHIR R4 API (UK Core)", "url": base_url},
        "fhirVersion": codes.FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Send 'Authorization: Bearer <token>'. Each system's token is tied to an organisation and a "
                    "purpose; every read goes through OneTeam's access policy and is audited. POST a Bundle "
                    "(transaction, batch or collection) or NDJSON to the base to import "
                    f"{', '.join(READERS)}."
                ),
                "security": {"service": [{"text": "Bearer token"}]},
                "resource": rest,
                "interaction": [{"code": "transaction"}, {"code": "batch"}],
            }
        ],
    }
