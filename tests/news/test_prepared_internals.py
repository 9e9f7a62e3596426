"""The ORM internals newsdesk/news/prepared.py builds on, pinned: a Django upgrade that changes one of them fails
here, by name, instead of making the reader pages' compiled reads quietly wrong.

prepared.py compiles a queryset once (``query.get_compiler(using=...).as_sql()``), finds its arguments among
the parameters by the adapted sentinel values, converts rows with ``compiler.get_converters`` over
``compiler.select[:compiler.col_count]``, replaces SQLite's DateTimeField converter by an equivalent that reads
no settings, and rewrites ``%s`` into named parameters with the rule of SQLite's backend.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models.expressions import Col

from newsdesk.news import prepared
from newsdesk.news.models import Article

pytestmark = pytest.mark.django_db
MOMENT = dt.datetime(2017, 5, 30, 8, 41, 5, tzinfo=dt.UTC)


def compiled(queryset):
    compiler = queryset.query.get_compiler(using=connection.alias)
    sql, params = compiler.as_sql()
    return compiler, sql, list(params)


def test_as_sql_gives_format_style_sql_and_one_parameter_per_placeholder():
    compiler, sql, params = compiled(
        Article.objects.filter(public_id=1234567, publish_at__lte=MOMENT).values_list("id", "publish_at")[:3]
    )
    assert isinstance(sql, str) and sql.count("%s") == len(params) == 2
    assert 1234567 in params  # an argument reaches the parameters as given (its position is found by value)
    assert "LIMIT 3" in sql  # a constant of the shape stays in the SQL: it is compared between two compiles


def test_datetime_parameters_are_what_the_backend_adapts():
    _, _, params = compiled(Article.objects.filter(publish_at__lte=MOMENT).values_list("id"))
    assert params == [connection.ops.adapt_datetimefield_value(MOMENT)]


def test_selected_columns_and_their_converters():
    compiler, _, _ = compiled(Article.objects.values_list("id", "headline", "publish_at"))
    assert compiler.col_count == 3
    columns = [column[0] for column in compiler.select[: compiler.col_count]]
    assert all(isinstance(column, Col) for column in columns)
    assert [column.target.name for column in columns] == ["id", "headline", "publish_at"]
    converters = compiler.get_converters(columns)
    assert isinstance(converters, dict) and set(converters) <= {0, 1, 2}
    for index, (functions, expression) in converters.items():
        assert expression is columns[index] and all(callable(function) for function in functions)
    if connection.vendor == "sqlite":  # the one prepared._faster replaces
        assert connection.ops.convert_datetimefield_value in converters[2][0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's DateTimeField converter")
@pytest.mark.parametrize("value", ["2017-05-30 08:41:05", "2017-05-30 08:41:05.250000", None])
def test_the_faster_datetime_converter_answers_what_django_does(value):
    compiler, _, _ = compiled(Article.objects.values_list("publish_at"))
    column = compiler.select[0][0]
    faster = prepared._faster(connection.ops.convert_datetimefield_value, connection)
    assert faster is not connection.ops.convert_datetimefield_value
    assert faster(value, column, connection) == connection.ops.convert_datetimefield_value(
        value, column, connection
    )
    assert connection.timezone in (dt.UTC, ZoneInfo("UTC"))  # what the converter makes naive values aware in


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's parameter rewriting")
def test_sqlite_finds_parameters_with_the_rule_prepared_uses():
    from django.db.backends.sqlite3 import base

    assert base.FORMAT_QMARK_REGEX.pattern == prepared._PARAMETER.pattern
    sql, names = prepared._union_sql(["SELECT %s WHERE x LIKE '%%s'"])
    assert names == ["r0p0"] and "%(r0p0)s" in sql and "'%%s'" in sql
    with connection.cursor() as cursor:  # named parameters are taken as they are (no regular expression)
        cursor.execute("SELECT %(a)s + %(b)s", {"a": 2, "b": 3})
        assert cursor.fetchone() == (5,)
