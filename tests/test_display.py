"""Tables for people and the toolkit's result objects as HTML in Jupyter."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl

import toolkit as tk
from toolkit.display import Card, cards, format_value, table, week_over_week_table


def test_values_are_formatted_for_people() -> None:
    assert format_value(1234567, "int") == "1,234,567"
    assert format_value(0.9734, "pct") == "97.3%"
    assert format_value(125.0, "minutes") == "2小时5分"
    assert format_value(125.0, "minutes", "en") == "2 h 5 min"
    assert format_value(None, "pct") == "—" and format_value(float("nan"), "num") == "—"
    assert format_value(datetime(2026, 11, 22, 9, 5), "datetime") == "11-22 09:05"
    assert format_value("error", "severity") == "拒收" and format_value("warning", "severity", "en") == "call needed"


def test_table_formats_columns_by_name_and_type_and_highlights_breaches() -> None:
    frame = pl.DataFrame(
        {
            "branch": ["杭州萧山营业所", "义乌营业所"],
            "received": [12345, 7],
            "refused_rate": [0.012, 0.25],
            "breach": [False, True],
        }
    )
    html = table(frame, breach="breach").to_html()
    assert "<th>营业所</th>" in html and ">收到订单</th>" in html and ">拒收率</th>" in html
    assert ">12,345</td>" in html and ">1.2%</td>" in html and ">25.0%</td>" in html
    assert html.count('class="breach"') == 1 and "breach</th>" not in html
    assert table(frame, "en")._repr_html_().count("Orders received") == 1


def test_long_tables_say_how_many_rows_are_not_shown() -> None:
    html = table(pl.DataFrame({"tickets": list(range(40))}), max_rows=30).to_html()
    assert html.count("<tr") == 31 and "另有 10 行未显示" in html


def test_cards_mark_a_breach() -> None:
    html = cards([Card("满意率", "78.6%", breach=True), Card("工单量", "27")])
    assert html._repr_html_().count('class="kpi breach"') == 1 and "<b" in html and "78.6%" in html


def test_results_of_a_batch_show_themselves_as_html(team_folder: Path) -> None:
    run = tk.run(str(team_folder / "config" / "daily.yaml"), as_of="2026-11-22 09:00")
    batch = run._repr_html_()
    assert (
        "批次 daily · 2026-11-22 · 完成" in batch and ">orders</td>" in batch and "读入行数 2,000" in batch
    )  # zh words

    checked = run["orders"]._repr_html_()
    assert "核单结果" in checked and "2,000" in checked and "1,858" in checked  # read and accepted
    assert "前10条问题" in checked and "违禁品" in checked  # the first findings

    sms = run["dispatch_sms"]._repr_html_()
    assert "短信预览" in sms and "3,716" in sms and "【" not in sms.split("短信预览")[0]
    first_sms = run["dispatch_sms"].outbox["content"][0]
    assert first_sms in sms  # the SMS as the recipient reads it
    assert "<script" not in batch + checked + sms


def test_cell_text_is_escaped() -> None:
    html = table(pl.DataFrame({"customer": ["<script>alert(1)</script>"]})).to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_week_over_week_rows_have_their_own_formats_and_flag_what_got_worse() -> None:
    changes = pl.DataFrame(
        {
            "measure": ["tickets", "satisfaction_rate", "handling_min", "late_rate", "paid_amount"],
            "this_week": [544.0, 0.70, 42.0, 0.01, 9686.0],
            "last_week": [578.0, 0.75, 37.0, None, 31155.0],
            "change": [-34.0, -0.05, 5.0, None, -21469.0],
        }
    )
    html = week_over_week_table(changes)
    rows = html.split("<tr")[2:]
    assert ">工单数</td>" in rows[0] and ">−34</td>" in rows[0] and "breach" not in rows[0]
    assert ">满意率</td>" in rows[1] and ">−5.0个百分点</td>" in rows[1] and "breach" in rows[1]  # satisfaction fell
    assert ">42分</td>" in rows[2] and ">+5分</td>" in rows[2] and "breach" in rows[2]  # handling got slower
    assert ">—</td>" in rows[3] and "breach" not in rows[3]  # no last week, no change
    assert ">¥9,686.00</td>" in rows[4] and "breach" not in rows[4]  # less paid out
