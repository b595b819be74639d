"""Customer delay notices: rows chosen with `where`, the offer and the new expected time from config."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.files import replace_once, write
from toolkit.calendar import WorkCalendar
from toolkit.errors import ExitCode
from toolkit.messages.columns import WorkingDaysFromRun, uncovered_warnings, with_config_columns
from toolkit.pipeline import run_batch
from toolkit.registry import load_config

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("run_date", "working_days", "expected"),
    [
        (date(2026, 11, 20), 0, date(2026, 11, 20)),  # a Friday: today
        (date(2026, 11, 22), 1, date(2026, 11, 24)),  # a Sunday: Monday is day 0, Tuesday day 1
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # across the National Day holiday
        (date(2026, 10, 3), 0, date(2026, 10, 8)),  # during it: the first working day after
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # 1 January is off even in a year the holiday library lacks
    ],
)
def test_a_time_in_working_days_from_the_run_skips_weekends_and_holidays(
    run_date: date, working_days: int, expected: date
) -> None:
    moment = WorkingDaysFromRun(working_days=working_days, at="17:00").moment(run_date, WorkCalendar())
    assert moment == datetime.combine(expected, datetime.min.time(), SHANGHAI).replace(hour=17)


def test_a_delay_notice_date_in_a_year_the_calendar_does_not_cover_is_a_warning() -> None:
    columns = {"expected_at": WorkingDaysFromRun(working_days=1), "compensation": 20}
    rows = pl.DataFrame({"waybill": ["SF1", "SF2"]})
    calendar = WorkCalendar()
    with pytest.warns(UserWarning):
        warnings = uncovered_warnings(
            with_config_columns(rows, columns, date(2026, 12, 31), calendar), columns, calendar
        )
    assert warnings == [
        "2 messages' expected_at (working days from the run) fall in 2027, which the holiday calendar does not cover: "
        "only weekends and 1 January are days off there, not Spring Festival or National Day unless calendar: closures "
        "lists them (update chinesecalendar)"
    ]
    assert uncovered_warnings(with_config_columns(rows, columns, date(2026, 12, 1), calendar), columns, calendar) == []


DELAYS = """waybill,rule,customer_name,customer_phone
SF1001,delivery_overdue,王女士,13800001111
SF1002,pickup_overdue,李先生,13900002222
SF1003,delivery_overdue,赵先生,13700003333
SF1004,stalled,钱女士,13600004444
"""

BATCH = """batch: notices
jobs:
  delay_notice:
    kind: render_messages
    input: delays.csv
    where: {rule: [delivery_overdue, stalled]}
    template: ../templates/sms/delay_notice.txt.j2
    recipients: [{role: 客户, name: customer_name, phone: customer_phone}]
    columns:
      expected_at: {working_days: 1, at: "18:00"}
      compensation: 20
    sms: {signature: 【顺达物流】, max_parts: 2}
"""


def test_delay_notices_go_to_the_chosen_customers_with_the_offer_from_config(team_folder: Path) -> None:
    write(team_folder / "config" / "delays.csv", DELAYS)
    config = write(team_folder / "config" / "notices.yaml", BATCH)
    as_of = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)  # a Friday: the next working day is Monday

    run = run_batch(load_config(config), run_date=date(2026, 11, 20), as_of=as_of)

    assert run.exit_code == ExitCode.DONE, run.jobs
    counts = run.jobs["delay_notice"].counts
    assert counts["rows_in"] == 4 and counts["rendered"] == 3 and counts["not_selected"] == 1
    outbox = pl.read_parquet(run.run_dir / "delay_notice" / "outbox.parquet")
    assert outbox["recipient"].to_list() == ["王女士", "赵先生", "钱女士"]
    assert outbox["content"][0] == (
        "王女士您好，您的快件SF1001因故延误，预计11月23日18点前送达，我们将补偿您20元。给您带来不便，深表歉意。"
    )


def test_a_where_column_the_input_lacks_is_one_clear_error(team_folder: Path) -> None:
    write(team_folder / "config" / "delays.csv", DELAYS)
    config = write(team_folder / "config" / "notices.yaml", replace_once(BATCH, "where: {rule:", "where: {kind:"))
    run = run_batch(load_config(config), run_date=date(2026, 11, 20))
    assert run.exit_code == ExitCode.BAD_INPUT
    assert "delays.csv" in run.jobs["delay_notice"].error
    assert (
        "where: no column kind (columns: _row, waybill, rule, customer_name, customer_phone)"
        in run.jobs["delay_notice"].error
    )
