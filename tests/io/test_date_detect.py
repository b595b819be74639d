"""The `date_formats:` line a column needs, guessed from the values the built-in reading left."""

from __future__ import annotations

import pytest

from toolkit.io.date_detect import guess_formats, none_read, unreadable_line
from toolkit.io.dates import UnreadableTimes


@pytest.mark.parametrize(
    ("values", "patterns"),
    [
        (["2-Jun-06", "14-Nov-06", "27-Aug-06"], ("%d-%b-%y",)),  # SCMS
        (["9/11/14", "10/13/14"], ("%m/%d/%y",)),  # 13 cannot be a month: month first
        (["06-04 11:05:00", "06-05 09:00:00"], ("%m-%d %H:%M:%S",)),  # LaDe, no year
        (["31-12-2024 10:00", "01-11-2024 08:00"], ("%d-%m-%Y %H:%M",)),  # 31 cannot be a month: day first
        (["3/14/2024 9:05", "3/15/2024"], ("%m/%d/%Y", "%m/%d/%Y %H:%M")),  # with and without a clock
    ],
)
def test_each_convention_is_recognised(values: list[str], patterns: tuple[str, ...]) -> None:
    guess = guess_formats(values)
    assert guess is not None and guess.patterns == patterns and guess.ambiguous is None
    assert guess.read == len(values)


def test_day_first_and_month_first_that_both_fit_are_ambiguous() -> None:
    guess = guess_formats(["1/2/2024 9:05", "3/4/2024 10:00", "5/5/2024 11:00"])
    assert guess is not None
    assert guess.ambiguous == ("%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M")
    assert guess.example == "1/2/2024 9:05"


def test_placeholders_fit_no_pattern() -> None:
    assert guess_formats(["Date Not Captured", "Pre-PQ Process", "See DN-304 (ID#:10589)"]) is None


def test_the_line_names_field_header_samples_and_the_line_to_add() -> None:
    found = UnreadableTimes("promised_at", 10324, 10324, ("2-Jun-06", "14-Nov-06", "27-Aug-06", "1-Sep-07"))
    assert unreadable_line(found, "Scheduled Delivery Date") == (
        'promised_at (column "Scheduled Delivery Date"): 10,324 of 10,324 values are not dates or times,'
        ' e.g. "2-Jun-06", "14-Nov-06", "27-Aug-06"; date_formats: {promised_at: "%d-%b-%y"} would read them'
    )


def test_the_line_says_ambiguous_instead_of_guessing() -> None:
    found = UnreadableTimes("order_time", 2, 2, ("1/2/2024 9:05", "3/4/2024 10:00"))
    assert unreadable_line(found, "下单时间") == (
        'order_time (column "下单时间"): 2 of 2 values are not dates or times, e.g. "1/2/2024 9:05", "3/4/2024 10:00";'
        ' they read both day-first and month-first ("1/2/2024 9:05"): say which with'
        ' date_formats: {order_time: "%d/%m/%Y %H:%M"} or date_formats: {order_time: "%m/%d/%Y %H:%M"}'
    )


def test_a_column_of_placeholders_is_said_to_fit_no_pattern() -> None:
    found = UnreadableTimes("order_time", 3, 3, ("Date Not Captured", "Pre-PQ Process"))
    assert unreadable_line(found, "order_time") == (
        'order_time: 3 of 3 values are not dates or times, e.g. "Date Not Captured", "Pre-PQ Process";'
        " no common date pattern fits them (if they are dates, give their strptime pattern in date_formats: {order_time: ...})"
    )


def test_a_few_bad_values_among_good_ones_are_counted_without_advice() -> None:
    found = UnreadableTimes("order_time", 2, 1000, ("abc", "明天"))
    assert unreadable_line(found, None) == 'order_time: 2 of 1,000 values are not dates or times, e.g. "abc", "明天"'


def test_configured_patterns_that_missed_are_named_and_kept() -> None:
    found = UnreadableTimes("order_time", 5, 8, ("5/11/2026 08:00", "6/11/2026 09:30"))
    assert unreadable_line(found, None, ("%d/%m/%Y",)) == (
        'order_time: 5 of 8 values are not dates or times, e.g. "5/11/2026 08:00", "6/11/2026 09:30"'
        ' (date_formats "%d/%m/%Y" did not read them); they read both day-first and month-first ("5/11/2026 08:00"):'
        ' say which with date_formats: {order_time: "%d/%m/%Y %H:%M"} or date_formats: {order_time: "%m/%d/%Y %H:%M"}'
    )


def test_a_column_of_which_nothing_reads_stops_the_job_and_a_column_with_bad_cells_does_not() -> None:
    headers = {"promised_at": "Scheduled Delivery Date", "order_time": "PQ First Sent"}
    dead = UnreadableTimes("promised_at", 10, 10, ("2-Jun-06",))
    partly = UnreadableTimes("order_time", 3, 10, ("Pre-PQ Process",))
    empty = UnreadableTimes("delivered_at", 0, 0, ())
    assert none_read([partly, empty], {**headers, "delivered_at": "Delivered"}) is None
    assert none_read([dead, partly], headers) == (
        'no value of promised_at ("Scheduled Delivery Date", 10 values) reads as a date or time:'
        " set date_formats for it (see the warnings above)"
    )
