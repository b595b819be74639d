"""Times as exports write them: `date_formats:` patterns, year-less dates, placeholders, DST."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pydantic
import pytest

from tests.support.io_files import write_workbook
from toolkit.io import TableSource, read_table
from toolkit.io.dates import (
    TimeReading,
    has_year,
    pattern_problem,
    reading_for,
    unreadable_plan,
    unreadable_text,
    unreadable_times,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


def read(values: list[str | None], reading: TimeReading, field: str = "order_time") -> list[datetime | None]:
    frame = pl.DataFrame({field: values}, schema={field: pl.String})
    return frame.select(reading.parse(pl.col(field), field))[field].to_list()


def at(*parts: int, zone: ZoneInfo = SHANGHAI) -> datetime:
    return datetime(*parts, tzinfo=zone)


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("%d-%b-%y", "2-Jun-06", at(2006, 6, 2)),  # SCMS
        ("%m/%d/%y", "9/11/14", at(2014, 9, 11)),  # SCMS, month first
        ("%m/%d/%Y %H:%M", "1/2/2024 9:05", at(2024, 1, 2, 9, 5)),
        ("%d-%m-%Y %H:%M", "31-12-2024 10:00", at(2024, 12, 31, 10, 0)),
        ("%d.%m.%Y", "03.04.2025", at(2025, 4, 3)),
    ],
)
def test_a_configured_pattern_reads_what_the_built_in_reading_cannot(
    pattern: str, text: str, expected: datetime
) -> None:
    assert read([text], TimeReading()) == [None]
    assert read([text], reading_for({"order_time": pattern}, "Asia/Shanghai", AS_OF)) == [expected]


def test_several_patterns_are_tried_in_order_then_the_built_in_reading() -> None:
    reading = reading_for({"order_time": ["%d/%m/%Y %H:%M", "%d/%m/%Y"]}, "Asia/Shanghai", AS_OF)
    values = ["5/11/2026 08:00", "5/11/2026", "2026-11-05 08:00:00", "46331", None]
    assert read(values, reading) == [at(2026, 11, 5, 8), at(2026, 11, 5), at(2026, 11, 5, 8), at(2026, 11, 5), None]


def test_the_patterns_of_one_field_leave_the_others_alone() -> None:
    reading = reading_for({"promised_at": "%d/%m/%Y"}, "Asia/Shanghai", AS_OF)
    assert read(["5/11/2026"], reading, "order_time") == [None]
    assert read(["5/11/2026"], reading, "promised_at") == [at(2026, 11, 5)]


def test_a_year_less_date_takes_the_as_of_year() -> None:
    reading = reading_for({"accept_time": "%m-%d %H:%M:%S"}, "Asia/Shanghai", AS_OF)
    assert read(["06-04 11:05:00", "12-31 23:00:00"], reading, "accept_time") == [
        at(2026, 6, 4, 11, 5),
        at(2026, 12, 31, 23),
    ]


def test_a_year_less_date_too_far_ahead_is_last_year() -> None:
    early_january = datetime(2026, 1, 2, 9, 0, tzinfo=SHANGHAI)
    reading = reading_for({"accept_time": "%m-%d %H:%M"}, "Asia/Shanghai", early_january)
    # 12-30 in 2026 would be 362 days ahead; 02-01 is 30 days ahead, inside the default 31
    assert read(["12-30 18:00", "01-01 10:00", "02-01 10:00"], reading, "accept_time") == [
        at(2025, 12, 30, 18),
        at(2026, 1, 1, 10),
        at(2026, 2, 1, 10),
    ]
    strict = reading_for({"accept_time": "%m-%d %H:%M"}, "Asia/Shanghai", early_january, future_days=0)
    assert read(["01-03 10:00"], strict, "accept_time") == [at(2025, 1, 3, 10)]


def test_february_29_without_a_year_reads_in_the_leap_year_before() -> None:
    reading = reading_for({"accept_time": "%m-%d"}, "Asia/Shanghai", datetime(2025, 3, 1, tzinfo=SHANGHAI))
    assert read(["02-29"], reading, "accept_time") == [at(2024, 2, 29)]


def test_the_year_less_choice_is_said_in_one_line() -> None:
    reading = reading_for({"accept_time": "%m-%d %H:%M:%S"}, "Asia/Shanghai", AS_OF)
    assert reading.yearless_note("accept_time") == (
        "accept_time: dates without a year (%m-%d %H:%M:%S) are read in 2026, or in 2025 where 2026 would put them"
        " more than 31 days after 2026-12-01"
    )
    assert reading.yearless_note("order_time") is None


def test_placeholders_are_counted_with_samples_never_silent() -> None:
    values = ["2-Jun-06", "Date Not Captured", "Pre-PQ Process", "Date Not Captured", "", None, "14-Nov-06"]
    reading = reading_for({"promised_at": "%d-%b-%y"}, "Asia/Shanghai", AS_OF)
    frame = pl.LazyFrame({"promised_at": values}).with_columns(
        parsed=reading.parse(pl.col("promised_at"), "promised_at")
    )
    plan = unreadable_plan(
        frame, {"promised_at": (unreadable_text(pl.col("promised_at"), pl.col("parsed")), pl.col("parsed"))}
    )
    (found,) = unreadable_times(plan.collect(), ["promised_at"])
    assert (found.count, found.filled) == (3, 5)
    assert found.samples == ("Date Not Captured", "Pre-PQ Process")
    assert found.mostly  # 3 of 5


def test_ambiguous_and_non_existent_local_times_follow_the_stated_rule() -> None:
    sao_paulo = ZoneInfo("America/Sao_Paulo")
    # 2019-02-16 23:30 happened twice (summer time ended at midnight): the earliest, still -02;
    # 2018-11-04 00:30 never happened (clocks went from 00:00 to 01:00): the first moment after
    values = read(
        ["2019-02-16 23:30:00", "2018-11-04 00:30:00", "2018-11-03 12:00:00"], TimeReading(timezone="America/Sao_Paulo")
    )
    assert [v.utcoffset().total_seconds() / 3600 for v in values] == [-2, -2, -3]
    assert values[1] == at(2018, 11, 4, 1, 0, zone=sao_paulo)
    configured = reading_for({"order_time": "%d/%m/%Y %H:%M"}, "America/Sao_Paulo", AS_OF)
    assert read(["04/11/2018 00:30"], configured) == [at(2018, 11, 4, 1, 0, zone=sao_paulo)]


def test_a_pattern_with_an_offset_keeps_its_instant() -> None:
    reading = reading_for({"order_time": "%d/%m/%Y %H:%M %z"}, "Asia/Shanghai", AS_OF)
    assert read(["05/11/2026 01:00 +0000"], reading) == [at(2026, 11, 5, 9, 0)]


@pytest.mark.parametrize(
    ("pattern", "year"),
    [("%d-%b-%y", True), ("%D", True), ("%F %T", True), ("%m-%d %H:%M:%S", False), ("%m月%d日", False)],
)
def test_has_year(pattern: str, year: bool) -> None:
    assert has_year(pattern) is year


def test_a_pattern_that_cannot_read_dates_is_refused_in_the_config(tmp_path: Path) -> None:
    assert pattern_problem("%d-%b-%y") is None
    assert pattern_problem("%Y") == (
        'is not a date pattern: it needs a day (%d) and a month (%m, %b), e.g. "%d-%b-%y" or "%m/%d/%Y %H:%M"'
    )
    assert pattern_problem("%d/%m/%Q") == "has %Q, which is not a strptime code (%Y %y %m %b %d %H %M %S %p …)"
    with pytest.raises(pydantic.ValidationError, match=r"order_time: 'dd/mm/yyyy' is not a date pattern"):
        TableSource(path=tmp_path / "orders.csv", date_formats={"order_time": "dd/mm/yyyy"})


def test_xlsx_and_parquet_text_cells_read_with_date_formats_beside_real_date_cells(tmp_path: Path) -> None:
    reading = reading_for({"order_time": "%d/%m/%Y %H:%M"}, "Asia/Shanghai", AS_OF)
    xlsx = write_workbook(
        tmp_path / "orders.xlsx", {"订单": [["下单时间"], ["22/11/2026 09:05"], [46348.5], ["2026-11-21 10:00"]]}
    )
    parquet = tmp_path / "orders.parquet"
    pl.DataFrame({"下单时间": ["22/11/2026 09:05", "2026-11-22 12:00:00", "2026-11-21 10:00"]}).write_parquet(parquet)
    expected = [at(2026, 11, 22, 9, 5), at(2026, 11, 22, 12, 0), at(2026, 11, 21, 10, 0)]
    for path in (xlsx, parquet):
        with read_table(TableSource(path=path), {"order_time": ("下单时间",)}) as table:
            times = table.frame.select(reading.parse(pl.col("order_time"), "order_time")).collect()["order_time"]
        assert times.to_list() == expected, path.suffix
