"""Bulk writing of generated rows, fast on both databases.

Generators produce plain tuples whose first value is an explicit primary key,
so foreign keys are computed in Python with no round trips. PostgreSQL loads
them with COPY; SQLite with batched `executemany` inserts. Table and column
names always come from the models' `_meta`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Max

Row = tuple[Any, ...]

# Values of these field types go to either driver as they are; anything else is
# first prepared by the field itself, exactly as the ORM would (aware datetimes
# become naive UTC on SQLite, for instance).
_NATIVE_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)
_SQLITE_BATCH = 5_000


@dataclass(frozen=True)
class Table:
    """A model and the fields a generator fills, in the order of its row tuples ("id" first).

    Columns the generator does not name are written with the model field's
    default, as the ORM would, so a field added later with a default does not
    break the generators.
    """

    model: type[models.Model]
    fields: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label

    def generated_fields(self) -> list[models.Field[Any, Any]]:
        """The model fields named by `fields`, in row order."""
        fields = []
        for name in self.fields:
            field = self.model._meta.get_field(name)
            if not isinstance(field, models.Field) or not field.concrete:
                raise TypeError(f"{self.label}.{name} is not a column, so a generator cannot fill it")
            fields.append(field)
        return fields

    def defaulted_fields(self) -> list[models.Field[Any, Any]]:
        """The model's other columns that have a default: written after the generated ones."""
        named = {field.name for field in self.generated_fields()}
        return [
            field
            for field in self.model._meta.concrete_fields
            if field.name not in named and field.has_default() and not field.primary_key
        ]

    def columns(self) -> list[models.Field[Any, Any]]:
        """Every column written, in the order of the values in a written row."""
        return [*self.generated_fields(), *self.defaulted_fields()]


@dataclass
class Tally:
    """Rows written to one table and the seconds spent making and writing them."""

    rows: int = 0
    seconds: float = 0.0


@dataclass
class Report:
    """What a load wrote: a tally per table, in the order first written."""

    tables: dict[str, Tally] = field(default_factory=dict)
    # Time spent deleting the previous city (with --replace).
    clearing_seconds: float = 0.0
    # Time spent deciding who the residents are and what happened to them, before any rows are made.
    synthesis_seconds: float = 0.0
    # Time spent committing, which on PostgreSQL includes checking every deferred foreign key.
    commit_seconds: float = 0.0
    elapsed_seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(tally.rows for tally in self.tables.values())

    def tally(self, label: str) -> Tally:
        """The tally for `label`, created on first use."""
        return self.tables.setdefault(label, Tally())

    @contextmanager
    def timing(self, label: str) -> Iterator[None]:
        """Add the time spent in the block to `label`'s tally."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.tally(label).seconds += time.perf_counter() - started


class Writer:
    """Writes rows to one database connection and tallies them. Use inside `transaction.atomic()`."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.report = Report()
        self._models: list[type[models.Model]] = []

    def write(self, table: Table, rows: Iterable[Row]) -> None:
        """Write `rows` (lazy iterables are fine: their generation is timed with the write)."""
        if table.model not in self._models:
            self._models.append(table.model)
        prepared = _prepared(table, rows, self.connection)
        with self.report.timing(table.label):
            written = (
                self._copy(table, prepared) if self.connection.vendor == "postgresql" else self._insert(table, prepared)
            )
        self.report.tally(table.label).rows += written

    def finish(self) -> None:
        """Move the id sequences past the explicit keys just written, so later ORM inserts do not collide."""
        # SQLite's AUTOINCREMENT already follows explicit keys, and its backend returns no statements here.
        statements = self.connection.ops.sequence_reset_sql(no_style(), self._models)
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def _copy(self, table: Table, rows: Iterable[Row]) -> int:
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in table.columns())
        sql = f"COPY {quote(table.model._meta.db_table)} ({columns}) FROM STDIN"
        written = 0
        # The raw psycopg 3 connection: Django's cursor wrapper has no COPY support of its own.
        with self.connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
        return written

    def _insert(self, table: Table, rows: Iterable[Row]) -> int:
        quote = self.connection.ops.quote_name
        fields = table.columns()
        columns = ", ".join(quote(field.column) for field in fields)
        placeholders = ", ".join("%s" for _ in fields)
        sql = f"INSERT INTO {quote(table.model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from _meta
        written = 0
        iterator = iter(rows)
        with self.connection.cursor() as cursor:
            while batch := list(islice(iterator, _SQLITE_BATCH)):
                cursor.executemany(sql, batch)
                written += len(batch)
        return written


def _prepared(table: Table, rows: Iterable[Row], connection: BaseDatabaseWrapper) -> Iterable[Row]:
    """Rows with defaults added and non-native values (datetimes, decimals) prepared by their fields."""
    defaulted = table.defaulted_fields()
    if defaulted:
        rows = (row + tuple(field.get_default() for field in defaulted) for row in rows)
    converters: list[tuple[int, Callable[[Any], Any]]] = [
        (position, _preparer(field, connection))
        for position, field in enumerate(table.columns())
        if field.get_internal_type() not in _NATIVE_TYPES
    ]
    if not converters:
        return rows
    return (_convert(row, converters) for row in rows)


def _preparer(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prepare


def _convert(row: Row, converters: list[tuple[int, Callable[[Any], Any]]]) -> Row:
    values = list(row)
    for position, prepare in converters:
        values[position] = prepare(values[position])
    return tuple(values)


def delete_all_rows(model: type[models.Model], connection: BaseDatabaseWrapper) -> None:
    """Delete every row of `model`'s table in one statement (callers delete dependent tables first).

    `QuerySet.delete()` would load every row into memory to cascade by hand.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608 - name from _meta


def truncate_tables(tables: Sequence[type[models.Model]], connection: BaseDatabaseWrapper) -> None:
    """Empty these tables, which must include every table that refers to any of them, most dependent first.

    PostgreSQL truncates them in one statement, inside the transaction: unlike
    DELETE, that leaves no dead rows and bloated indexes to slow down the next
    load. SQLite has no TRUNCATE, so it deletes table by table.
    """
    if connection.vendor != "postgresql":
        for model in tables:
            delete_all_rows(model, connection)
        return
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tables))


def next_free_id(model: type[models.Model]) -> int:
    """One more than the highest primary key in use (1 for an empty table)."""
    highest: int | None = model._base_manager.aggregate(highest=Max("pk"))["highest"]
    return (highest or 0) + 1
