"""Import assessment templates from FHIR Questionnaire JSON files, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from oneteam.care.models import AssessmentTemplate
from oneteam.care.questionnaire import QuestionnaireError
from oneteam.care.seed import read_questionnaire_file, store_template


class Command(BaseCommand):
    help = "Import assessment templates from FHIR Questionnaire JSON files. A bad file imports nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        created = kept = 0
        problems: list[str] = []
        with transaction.atomic():
            for path in options["files"]:
                try:
                    _template, new = store_template(AssessmentTemplate, read_questionnaire_file(path))
                except QuestionnaireError as error:
                    problems.extend(error.problems)
                    continue
                created, kept = created + new, kept + (not new)
            if problems:
                transaction.set_rollback(True)
        if problems:
            raise CommandError("Nothing was imported:\n" + "\n".join(problems))
        self.stdout.write(f"Imported {created} new template versions; {kept} were already there.")
