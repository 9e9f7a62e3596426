"""Querysets compiled to SQL once per database, then run with new values.

For the few small reads that every reader page makes: Django builds and compiles a queryset on every call,
and for a one-row look-up by a unique key that costs ten to twenty times what the database spends answering
it (about 0.5 ms against 0.03 ms on SQLite). The queryset is still written with the ORM — visibility gate
included — and compiled by Django; only the compiling is done once per shape.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.utils.dateparse import parse_datetime

_KINDS = (int, str, dt.datetime)


def _sentinel(kind: type, n: int, variant: int) -> Any:
    # Values no real query uses, different per argument and per variant, so they can be found in the params.
    if kind is int:
        return 8_000_000_000_000 + variant * 1000 + n
    if kind is str:
        return f"\x1fprepared-{variant}-{n}"
    return dt.datetime(2999, 1, 1 + variant, 0, 0, n, tzinfo=dt.UTC)


def _aware(zone: dt.tzinfo) -> Callable:
    """SQLite's DateTimeField converter with ``USE_TZ`` (what ``convert_datetimefield_value`` does), without
    reading the settings per value: a feed page converts a hundred datetimes."""

    def convert(value, expression, connection):
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            value = parse_datetime(value)
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)

    return convert


def _faster(function: Callable, connection) -> Callable:
    if (
        connection.vendor == "sqlite"
        and settings.USE_TZ
        and function == connection.ops.convert_datetimefield_value
    ):
        return _aware(connection.timezone)
    return function


def _adapt(kind: type, value: Any, connection) -> Any:
    if kind is dt.datetime:
        return connection.ops.adapt_datetimefield_value(value)
    return value


class PreparedQuery:
    """``build(**values)`` returns a ``values_list()`` queryset; ``rows(**values)`` runs it.

    ``kinds`` names each argument's type (int, str or aware datetime). Compiling happens with two sets of
    sentinel values; positions of the SQL parameters that carry an argument are found by comparing them, and
    anything else (constants, LIMIT) must not change between the two, or the shape is refused.
    """

    def __init__(self, build: Callable[..., QuerySet], **kinds: type):
        unknown = [name for name, kind in kinds.items() if kind not in _KINDS]
        if unknown:
            raise TypeError(f"PreparedQuery arguments {unknown} must be int, str or datetime.")
        self.build = build
        self.kinds = kinds
        self._compiled: dict[str, tuple] = {}
        self._model: type[Model] | None = None

    def rows(self, *, raw: bool = False, **values: Any) -> list[tuple]:
        """The rows, converted to Python values as Django would (``raw``: as the driver gives them, see
        ``convert``)."""
        connection, (sql, slots, converters, width) = self._prepared()
        with connection.cursor() as cursor:
            cursor.execute(sql, self._params(slots, values, connection))
            rows = cursor.fetchall()
        if raw:
            return [row[:width] for row in rows]
        return [self._convert(row[:width], converters, connection) for row in rows]

    def convert(self, row: tuple) -> tuple:
        """A raw row (``rows(raw=True)``) converted: callers that keep what they make of a row convert it only
        when they have not made it before."""
        connection, (_, _, converters, _) = self._prepared()
        return self._convert(row, converters, connection)

    def _prepared(self) -> tuple[Any, tuple]:
        if self._model is None:
            self._model = self.build(**self._sentinels(0)).model
        alias = router.db_for_read(self._model) or "default"
        return connections[alias], self._compiled.get(alias) or self._compile(alias)

    def _params(self, slots: list, values: dict[str, Any], connection, adapted: dict | None = None) -> list:
        # ``adapted``: values already adapted in this statement (union_rows repeats the same time in each run).
        adapted = {} if adapted is None else adapted
        params = []
        for name, const in slots:
            if name is None:
                params.append(const)
                continue
            value, kind = values[name], self.kinds[name]
            if kind is not dt.datetime:
                params.append(value)
                continue
            if value not in adapted:
                adapted[value] = _adapt(kind, value, connection)
            params.append(adapted[value])
        return params

    def _sentinels(self, variant: int) -> dict[str, Any]:
        return {name: _sentinel(kind, n, variant) for n, (name, kind) in enumerate(self.kinds.items())}

    def _compile(self, alias: str) -> tuple:
        connection = connections[alias]
        first, second = self._sentinels(0), self._sentinels(1)
        compiler = self.build(**first).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        sql_again, params_again = self.build(**second).query.get_compiler(using=alias).as_sql()
        if sql != sql_again or len(params) != len(params_again):
            raise ValueError("PreparedQuery: the query's shape depends on its argument values.")
        slots = [
            self._slot(a, b, first, second, connection) for a, b in zip(params, params_again, strict=True)
        ]
        missing = set(self.kinds) - {name for name, _ in slots}
        if missing:
            raise ValueError(f"PreparedQuery: arguments {sorted(missing)} do not reach the SQL.")
        fields = [col[0] for col in compiler.select[: compiler.col_count]]
        converters = {
            index: (tuple(_faster(function, connection) for function in functions), expression)
            for index, (functions, expression) in compiler.get_converters(fields).items()
        }
        compiled = (sql, slots, converters, compiler.col_count)
        self._compiled[alias] = compiled
        return compiled

    def _slot(self, a: Any, b: Any, first: dict, second: dict, connection) -> tuple[str | None, Any]:
        for name, kind in self.kinds.items():
            if a == _adapt(kind, first[name], connection) and b == _adapt(kind, second[name], connection):
                return name, None
        if a != b:
            raise ValueError("PreparedQuery: a parameter changed that no argument accounts for.")
        return None, a

    @staticmethod
    def _convert(row: tuple, converters: dict, connection) -> tuple:
        if not converters:
            return tuple(row)
        values = list(row)
        for index, (functions, expression) in converters.items():
            value = values[index]
            for function in functions:
                value = function(value, expression, connection)
            values[index] = value
        return tuple(values)


_unions: dict[tuple, tuple[str, list[str]]] = {}
# A parameter in Django's SQL: %s, not %%s (the rule of django.db.backends.sqlite3.base.FORMAT_QMARK_REGEX).
_PARAMETER = re.compile(r"(?<!%)%s")


def _union_sql(statements: list[str]) -> tuple[str, list[str]]:
    """The UNION ALL of ``statements``, each a subquery tagged with its position, with named parameters
    (%(r0p0)s ...) and their names in order: SQLite's backend turns positional parameters into its own with a
    regular expression over the whole statement on every execute (~80 µs for a home page's), named ones with
    one string formatting (~9 µs)."""
    names: list[str] = []
    parts = []
    for n, sql in enumerate(statements):
        count = itertools.count()

        def name(_match, n=n, count=count) -> str:
            names.append(f"r{n}p{next(count)}")
            return f"%({names[-1]})s"

        parts.append(f"SELECT *, {n} FROM ({_PARAMETER.sub(name, sql)}) AS run{n}")  # noqa: S608 - Django's SQL
    return " UNION ALL ".join(parts), names


def union_rows(runs: list[tuple[PreparedQuery, dict[str, Any]]], *, raw: bool = False) -> list[list[tuple]]:
    """Prepared queries that select the same columns, each run with its values, sent as one statement: each run
    a subquery of a UNION ALL, so that each keeps its own ORDER BY and LIMIT (an index range that stops early),
    tagged with its position. One round trip instead of one per run (on SQLite each statement costs ~40 µs of
    Python however small its answer). Returns the rows of each run, in the order of ``runs`` (``raw``: as the
    driver gives them, see ``PreparedQuery.convert``)."""
    if len(runs) == 1:
        query, values = runs[0]
        return [query.rows(raw=raw, **values)]
    prepared = [(query, values, *query._prepared()) for query, values in runs]
    adapted: dict = {}
    connection = prepared[0][2]
    if any(other is not connection for _, _, other, _ in prepared):
        raise ValueError("union_rows: every query must read from the same database.")
    shape = (connection.alias, *(query for query, _ in runs))
    kept = _unions.get(shape)
    if kept is None:
        if len(_unions) > 256:
            _unions.clear()
        kept = _unions[shape] = _union_sql([compiled[0] for *_, compiled in prepared])
    union, names = kept
    params = [
        param
        for query, values, _, compiled in prepared
        for param in query._params(compiled[1], values, connection, adapted)
    ]
    with connection.cursor() as cursor:
        cursor.execute(union, dict(zip(names, params, strict=True)))
        rows = cursor.fetchall()
    out: list[list[tuple]] = [[] for _ in prepared]
    for row in rows:
        query, _, _, (_, _, converters, width) = prepared[row[-1]]
        out[row[-1]].append(row[:width] if raw else query._convert(row[:width], converters, connection))
    return out


class PreparedByIds:
    """``build(ids)`` returns a ``values_list()`` queryset of the rows with those primary keys; ``rows(ids)``
    runs it compiled once per size: the id list is padded (with its last id) to one of a few sizes so that the
    statement's shape repeats. Longer lists than the largest size are read in several statements."""

    SIZES = (8, 16, 32, 64, 128)

    def __init__(self, build: Callable[[list[int]], QuerySet]):
        self.build = build
        self._queries: dict[int, PreparedQuery] = {}

    def rows(self, ids: list[int], *, raw: bool = False) -> list[tuple]:
        """The rows, converted (``raw``: as the driver gives them, see ``convert``)."""
        largest = self.SIZES[-1]
        if len(ids) > largest:
            return [
                row for n in range(0, len(ids), largest) for row in self.rows(ids[n : n + largest], raw=raw)
            ]
        if not ids:
            return []
        size = next(n for n in self.SIZES if n >= len(ids))
        padded = list(ids) + [ids[-1]] * (size - len(ids))
        return self._query(size).rows(raw=raw, **{f"id{n}": pk for n, pk in enumerate(padded)})

    def convert(self, row: tuple) -> tuple:
        """A raw row converted (every size converts alike)."""
        return self._query(self.SIZES[0]).convert(row)

    def _query(self, size: int) -> PreparedQuery:
        query = self._queries.get(size)
        if query is None:
            query = self._queries[size] = PreparedQuery(
                lambda **named: self.build(list(named.values())), **{f"id{n}": int for n in range(size)}
            )
        return query
