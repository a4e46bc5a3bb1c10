"""Issue 20, item 6: every management command runs, with its documented flags, on a small synthetic city, on
whichever database the run uses (SQLite by default, PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands

from oneteam.organisations.models import Organisation, Sector
from oneteam.synthetic.demo import DEMO_TEAM

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = "2026-12-01"
QUESTIONNAIRE = Path("oneteam/care/data/questionnaires/falls-risk.json")


def project_commands() -> set[str]:
    return {name for name, app in get_commands().items() if app.startswith("oneteam.")}


def test_every_command_runs_with_its_documented_flags(tmp_path: Path) -> None:
    ran: set[str] = set()

    def run(name: str, *arguments: str) -> str:
        out = io.StringIO()
        call_command(name, *arguments, stdout=out, stderr=io.StringIO())
        ran.add(name)
        return out.getvalue()

    run("generate_city", "--residents", "300", "--seed", "7", "--as-of", AS_OF)
    run("generate_city", "--residents", "300", "--seed", "7", "--if-empty")
    run("generate_referrals", "--open", "20", "--closed", "30", "--seed", "7")
    run("generate_referrals", "--open", "20", "--closed", "30", "--seed", "7", "--if-empty")
    run("generate_directory", "--services", "40", "--seed", "7", "--as-of", AS_OF)
    run("load_care_reference_data")
    run("import_questionnaire", str(QUESTIONNAIRE))
    run("generate_care", "--seed", "7", "--as-of", AS_OF)
    run("ensure_sharing_agreements")
    run("create_demo_staff")
    run("ensure_demo_meeting")
    run("stratify", "--as-of", AS_OF)
    run("compute_measures")
    risk_file = tmp_path / "risk.csv"
    run("export_risk", "--format", "csv", "--staff", "demo.gp", "--output", str(risk_file))
    assert len(risk_file.read_text().splitlines()) > 1  # a heading and people
    directory_file = tmp_path / "directory.json"
    run("export_directory", str(directory_file))
    run("import_directory", str(directory_file), "--report", "json")
    practice = (
        Organisation.objects.filter(sector=Sector.GP_PRACTICE, ods_code__isnull=False).exclude(ods_code="").first()
    )
    assert practice is not None and practice.ods_code
    scope = ["--purpose", "direct_care", "--profession", "gp", "--team", DEMO_TEAM, "--may-import"]
    created = run("create_fhir_client", "Test GP system", practice.ods_code, *scope)
    client_id = created.split("Created FHIR API client ")[1].split(":")[0]
    out_folder = tmp_path / "fhir"
    run("export_fhir", "--client", client_id, "--out", str(out_folder), "--type", "Patient")
    report = json.loads(run("import_fhir", str(out_folder), "--report", "json"))
    assert report
    run("create_hospital_system", "Test hospital", practice.ods_code)
    run("escalate_breaches")
    run("return_overdue_mdt_actions")
    run("audit_checkpoint")
    assert "Audit chain intact" in run("verify_audit")
    run("unlock_sign_in", "demo.gp", "--address", "192.0.2.1")
    run("generate_city", "--residents", "200", "--seed", "8", "--replace")
    assert ran == project_commands(), f"not run: {sorted(project_commands() - ran)}"
