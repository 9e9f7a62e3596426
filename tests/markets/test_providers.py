"""Rate providers: parsers on every real recorded document, damaged documents refused whole, and the fetch
job against a real local HTTP server (healthy, down, slow, garbage) keeping old rates on failure."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import time
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsdesk.fetching import ProviderError
from newsdesk.markets import services
from newsdesk.markets.backends.cbr import CbrProvider
from newsdesk.markets.backends.ecb import EcbProvider
from newsdesk.markets.models import Rate
from tests.weather.support import ProviderServer, Reply, closed_port_url, recorded, recorded_files

D = Decimal

# (date, record count, {currency: (units, price)}) read by eye from each real file.
CBR_EXPECTED = {
    "cbr_XML_daily_2017-12-06_cp1251_pretty.xml": (
        dt.date(2017, 12, 6),
        34,
        {"USD": (D(1), D("58.6924")), "CNY": (D(10), D("88.7531")), "AMD": (D(100), D("12.1090"))},
    ),
    "cbr_XML_daily_2022-03-15_cp1251.xml": (dt.date(2022, 3, 15), 34, {"USD": (D(1), D("115.1963"))}),
    "cbr_XML_daily_2023-11-02_cp1251_VunitRate.xml": (
        dt.date(2023, 11, 2),
        43,
        {"USD": (D(1), D("93.2801")), "JPY": (D(100), D("61.6524"))},
    ),
    "cbr_XML_daily_eng_2020-11-11.xml": (dt.date(2020, 11, 11), 34, {"EUR": (D(1), D("90.3557"))}),
    "cbr_XML_dynamic_R01235_USD_2017-12-01_04_cp1251.xml": (
        dt.date(2017, 12, 2),
        2,
        {"USD": (D(1), D("58.5182"))},
    ),
    "cbr_XML_dynamic_R01375_CNY_2021-10-24_27_cp1251.xml": (
        dt.date(2021, 10, 27),
        2,
        {"CNY": (D(1), D("10.8993"))},
    ),
}
ECB_EXPECTED = {
    "eurofxref-daily_2015-01-07.xml": (dt.date(2015, 1, 7), {"USD": D("1.1831")}),
    "eurofxref-daily_2018-06-11.xml": (dt.date(2018, 6, 11), {"USD": D("1.1790")}),
    "eurofxref-daily_2025-05-09.xml": (dt.date(2025, 5, 9), {"USD": D("1.1252"), "JPY": D("163.36")}),
    "eurofxref-hist-90d_2019-09-02_to_2019-11-29.xml": (dt.date(2019, 11, 29), {"USD": D("1.0982")}),
    "eurofxref.csv": (dt.date(2018, 8, 17), {"USD": D("1.1391"), "RUB": D("76.8166")}),
    "eurofxref_2018-08-17.zip": (dt.date(2018, 8, 17), {"USD": D("1.1391"), "RUB": D("76.8166")}),
}


def by_currency(records, day):
    return {r.currency: (r.units, r.price) for r in records if r.date == day}


def test_bank_of_russia_parser_reads_every_recorded_document():
    files = recorded_files("cbr", "*.xml")
    assert {f.name for f in files} == set(CBR_EXPECTED), "a new recorded file needs its expected values here"
    for path in files:
        day, count, expected = CBR_EXPECTED[path.name]
        records = CbrProvider().parse(path.read_bytes())
        assert len(records) == count, path.name
        rates = by_currency(records, day)
        for currency, value in expected.items():
            assert rates[currency] == value, (path.name, currency)
        assert all(isinstance(r.price, Decimal) and r.price > 0 for r in records)


def test_ecb_parser_reads_every_recorded_document():
    files = recorded_files("ecb", "*.xml", "*.csv", "*.zip")
    assert {f.name for f in files} == set(ECB_EXPECTED), "a new recorded file needs its expected values here"
    for path in files:
        day, expected = ECB_EXPECTED[path.name]
        records = EcbProvider().parse(path.read_bytes())
        rates = by_currency(records, day)
        for currency, rate in expected.items():
            assert rates[currency] == (rate, D(1)), (path.name, currency)  # 1 EUR = rate units


def test_ecb_ninety_day_history_has_every_business_day():
    records = EcbProvider().parse(
        (recorded("ecb") / "eurofxref-hist-90d_2019-09-02_to_2019-11-29.xml").read_bytes()
    )
    days = {r.date for r in records}
    assert len(days) == 65 and min(days) == dt.date(2019, 9, 2)


def cbr_daily() -> bytes:
    return (recorded("cbr") / "cbr_XML_daily_2023-11-02_cp1251_VunitRate.xml").read_bytes()


def damaged_documents() -> dict[str, tuple[bytes, str]]:
    body = cbr_daily()
    text = body.decode("cp1251")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("a.csv", "x")
        archive.writestr("b.csv", "y")
    return {
        "empty": (b"", "empty"),
        "whitespace only": (b"  \r\n ", "empty"),
        "truncated in the middle": (body[: len(body) // 2], "not well-formed"),
        "cut after the root opened": (body[:120], "not well-formed"),
        "UTF-16 without a BOM": (text.encode("utf-16-le"), "not well-formed"),
        "an unknown declared encoding": (body.replace(b"windows-1251", b"x-klingon"), "encoding"),
        "gzip bytes": (gzip.compress(body), "not well-formed"),
        "an HTML error page": (b"<html><body>503 Service Unavailable</body></html>", "ValCurs"),
        "an entity bomb": (
            b'<?xml version="1.0"?><!DOCTYPE v [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><ValCurs>&b;</ValCurs>',
            "forbidden",
        ),
        "a negative rate": (body.replace(b"<Value>93,2801</Value>", b"<Value>-93,2801</Value>"), "positive"),
        "a zero Nominal": (body.replace(b"<Nominal>1</Nominal>", b"<Nominal>0</Nominal>", 1), "positive"),
        "a word for a value": (
            body.replace(b"<Value>93,2801</Value>", b"<Value>n/a</Value>"),
            "not a number",
        ),
        "a VunitRate that disagrees": (
            body.replace(b"<VunitRate>93,2801</VunitRate>", b"<VunitRate>9,32801</VunitRate>"),
            "VunitRate",
        ),
        "a bad currency code": (
            body.replace(b"<CharCode>USD</CharCode>", b"<CharCode>U$D</CharCode>"),
            "currency code",
        ),
        "a date far in the future": (body.replace(b'Date="02.11.2023"', b'Date="02.11.2999"'), "future"),
        "a date that is no date": (body.replace(b'Date="02.11.2023"', b'Date="31.02.2023"'), "DD.MM.YYYY"),
        "no currencies": (
            b'<?xml version="1.0"?><ValCurs Date="02.11.2023" name="x"></ValCurs>',
            "no currencies",
        ),
        "a ZIP with two CSVs": (zipped.getvalue(), "exactly one CSV"),
    }


DAMAGED = [
    "empty", "whitespace only", "truncated in the middle", "cut after the root opened", "UTF-16 without a BOM",
    "an unknown declared encoding", "gzip bytes", "an HTML error page", "an entity bomb", "a negative rate",
    "a zero Nominal", "a word for a value", "a VunitRate that disagrees", "a bad currency code",
    "a date far in the future", "a date that is no date", "no currencies", "a ZIP with two CSVs",
]  # fmt: skip


def test_every_damaged_case_is_run():
    assert sorted(damaged_documents()) == sorted(DAMAGED)


@pytest.mark.parametrize("case", DAMAGED)
@pytest.mark.django_db
def test_a_damaged_document_is_refused_whole_and_old_rates_are_kept(case):
    services.rates_import(provider="cbr", body=cbr_daily())
    before = list(Rate.objects.order_by("id").values_list("currency", "units", "price", "fetched_at"))
    body, message = damaged_documents()[case]
    provider = "ecb" if case == "a ZIP with two CSVs" else "cbr"
    with pytest.raises(ProviderError, match=message):
        services.rates_import(provider=provider, body=body)
    assert list(Rate.objects.order_by("id").values_list("currency", "units", "price", "fetched_at")) == before


def test_a_document_saved_in_utf8_despite_its_windows_1251_declaration_still_reads_its_numbers():
    # Re-saved by an editor: the Russian names become mojibake, but codes and numbers are ASCII and stay right.
    body = cbr_daily().decode("cp1251").encode("utf-8")
    records = CbrProvider().parse(body)
    assert by_currency(records, dt.date(2023, 11, 2))["USD"] == (D(1), D("93.2801"))


@pytest.mark.django_db
def test_importing_the_same_day_twice_updates_rather_than_duplicates():
    assert services.rates_import(provider="cbr", body=cbr_daily()) == 43
    assert services.rates_import(provider="cbr", body=cbr_daily()) == 43
    assert Rate.objects.count() == 43


# ---- the fetch job against a real local HTTP server ---------------------------------------------------------


def use_providers(settings, url: str, *aliases: str, timeout: float = 0.5) -> None:
    settings.NEWSDESK_RATES = {
        a: {"BACKEND": a, "OPTIONS": {"timeout": timeout, "base_url": url}} for a in aliases
    }


@pytest.mark.django_db
def test_fetch_job_stores_daily_and_history_of_both_providers(settings):
    cbr, ecb = recorded("cbr"), recorded("ecb")
    routes = {
        "/scripts/XML_daily.asp": Reply((cbr / "cbr_XML_daily_2023-11-02_cp1251_VunitRate.xml").read_bytes()),
        "/scripts/XML_dynamic.asp": Reply(
            (cbr / "cbr_XML_dynamic_R01235_USD_2017-12-01_04_cp1251.xml").read_bytes()
        ),
        "/stats/eurofxref/eurofxref-daily.xml": Reply((ecb / "eurofxref-daily_2025-05-09.xml").read_bytes()),
        "/stats/eurofxref/eurofxref-hist-90d.xml": Reply(
            (ecb / "eurofxref-hist-90d_2019-09-02_to_2019-11-29.xml").read_bytes()
        ),
    }
    with ProviderServer(routes) as server:
        use_providers(settings, server.url, "cbr", "ecb")
        report = services.rates_refresh()
    assert not report.failed
    assert Rate.objects.filter(provider="cbr", date=dt.date(2023, 11, 2)).count() == 43
    assert Rate.objects.get(provider="cbr", currency="USD", date=dt.date(2017, 12, 2)).price == D("58.5182")
    assert Rate.objects.get(provider="ecb", currency="JPY", date=dt.date(2025, 5, 9)).units == D("163.36")
    dynamics = [path for path, _ in server.requests if path.startswith("/scripts/XML_dynamic.asp")]
    assert len(dynamics) == 6 and any("VAL_NM_RQ=R01239" in path for path in dynamics)


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["down", "hang", "garbage", "truncated"])
def test_a_failing_provider_keeps_the_old_rates_and_says_why(settings, mode):
    services.rates_import(provider="cbr", body=cbr_daily())
    before = Rate.objects.count()
    body = cbr_daily()
    reply = {
        "hang": Reply(mode="hang", delay=3),
        "garbage": Reply(b"\x00\x01garbage"),
        "truncated": Reply(body[:500]),
    }
    started = time.monotonic()
    if mode == "down":
        use_providers(settings, closed_port_url(), "cbr")
        report = services.rates_refresh(history=False)
    else:
        with ProviderServer({"/": reply[mode]}) as server:
            use_providers(settings, server.url, "cbr", timeout=0.3)
            report = services.rates_refresh(history=False)
    assert time.monotonic() - started < 2
    assert set(report.failed) == {"cbr daily"} and report.failed["cbr daily"]
    assert Rate.objects.count() == before


@pytest.mark.django_db
def test_fetch_rates_command_imports_a_saved_file_and_refuses_a_bad_one(tmp_path, capsys):
    good = recorded("cbr") / "cbr_XML_daily_2017-12-06_cp1251_pretty.xml"
    call_command("fetch_rates", "--provider", "cbr", "--file", str(good))
    assert "cbr: 34 rates imported" in capsys.readouterr().out
    bad = tmp_path / "XML_daily.asp"
    bad.write_bytes(good.read_bytes()[:300])
    with pytest.raises(
        CommandError, match="was not imported, nothing changed: the document is not well-formed"
    ):
        call_command("fetch_rates", "--provider", "cbr", "--file", str(bad))
    with pytest.raises(CommandError, match="exactly one --provider"):
        call_command("fetch_rates", "--file", str(bad))
    with pytest.raises(CommandError, match="unknown; choose one of: cbr, ecb"):
        call_command("fetch_rates", "--provider", "fed", "--file", str(good))
    assert Rate.objects.count() == 34


@pytest.mark.django_db
def test_fetch_rates_command_says_when_rates_are_off(settings, capsys):
    settings.NEWSDESK_RATES = {}
    call_command("fetch_rates")
    assert "Rates are off" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_worker_jobs_fetch_daily_rates_hourly_and_history_daily(settings):
    from newsdesk.markets.tasks import rates_daily_job, rates_history_job

    assert rates_daily_job.task_class().validate_datetime(dt.datetime(2024, 1, 1, 16, 7))
    assert rates_history_job.task_class().validate_datetime(dt.datetime(2024, 1, 1, 5, 17))
    assert not rates_history_job.task_class().validate_datetime(dt.datetime(2024, 1, 1, 16, 7))
    settings.NEWSDESK_RATES = {}
    rates_daily_job.call_local()  # off: nothing fetched, nothing fails
    with ProviderServer({"/scripts/XML_daily.asp": Reply(cbr_daily())}) as server:
        use_providers(settings, server.url, "cbr")
        rates_daily_job.call_local()
    assert Rate.objects.count() == 43
    assert [path for path, _ in server.requests] == ["/scripts/XML_daily.asp"]
