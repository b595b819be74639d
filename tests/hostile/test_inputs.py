"""Bad input the toolkit used to stumble on (issue 11, items 1, 2, 3, 6 and 7): each file written
here by the test, each run through the real CLI, each asserting what the user sees (the one line,
the log, the counts) and that every row is accounted for."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import polars as pl
import pytest

from tests.support.files import replace_once
from tests.support.hostile_files import BATCH, HEADERS, Run, Team, order, orders_csv
from tests.support.io_files import write_workbook
from tests.support.sample_runs import OVERDUE_JOB
from toolkit.errors import ExitCode


def job_counts(run: Run, job: str) -> dict[str, int]:
    return json.loads((run.out / "manifest.json").read_text(encoding="utf-8"))["jobs"][job]["counts"]


def every_row_counted(counts: dict[str, int]) -> bool:
    return counts["rows_in"] == counts["accepted"] + counts["rejected"] + counts["blank_rows_skipped"]


def html_page(*tables: list[list[str]], charset: str = "utf-8", title: str = "订单导出") -> str:
    """A page as web systems' "export to Excel" buttons write it: a title, a heading, and each
    table with its first row as `<th>` cells in a `<thead>`."""

    def cells(row: list[str], tag: str) -> str:
        return "".join(f"<{tag}>{cell}</{tag}>" for cell in row)

    bodies = [
        f"<table border=1><thead><tr>{cells(rows[0], 'th')}</tr></thead><tbody>\n"
        + "".join(f"<tr>{cells(row, 'td')}</tr>\n" for row in rows[1:])
        + "</tbody></table>"
        for rows in tables
    ]
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="{charset}"><title>{title}</title></head>\n'
        f"<body><h3>{title}</h3>{''.join(bodies)}</body></html>\n"
    )


# 1. Doubled headers


def test_doubled_headers_of_no_field_get_numbered_names_everywhere_and_the_log_says_so(team: Team) -> None:
    rows = [[*order(1), "加急", "送货上门"], [*order(2, 件数="x"), "", "自提"]]
    team.file("orders.csv", orders_csv(rows, headers=[*HEADERS, "备注", "备注"]))
    run = team.run()
    assert run.exit_code == ExitCode.DONE, run.lines
    assert (
        "orders: warning: orders.csv: 2 columns are headed '备注': read as '备注', '备注_2', in file order" in run.lines
    )
    assert run.valid.select("备注", "备注_2").rows() == [("加急", "送货上门")]
    problems = openpyxl.load_workbook(run.out / "orders" / "findings.xlsx").worksheets[0]
    header = [cell.value for cell in problems[1]]
    assert header.count("备注") == 1 and header.count("备注_2") == 1
    assert problems.cell(row=2, column=header.index("备注_2") + 1).value == "自提"


def test_a_doubled_header_of_a_field_is_still_an_error(team: Team) -> None:
    team.file("orders.csv", orders_csv([[*order(1), "7551000009"]], headers=[*HEADERS, "订单号"]))
    run = team.run()
    assert run.exit_code == ExitCode.BAD_INPUT
    assert run.error_line == (
        "TEAM/samples/orders.csv: columns '订单号' and '订单号' both map to field 'order_id'; "
        "remove one or map one to another name under `columns:`"
    )


# 2. Blank rows


def test_blank_rows_are_counted_in_the_counts_the_log_and_the_manifest(team: Team) -> None:
    """20 orders, a blank line and a line of bare commas among them, 1,000 blank lines after
    them (as Excel saves a sheet someone once scrolled down)."""
    first, second = [order(i) for i in range(1, 11)], [order(i) for i in range(11, 21)]
    text = orders_csv(first) + "\n" + "," * 20 + "\n" + orders_csv(second).split("\n", 1)[1] + "\n" * 1000
    team.file("orders.csv", text)
    run = team.run()
    assert run.exit_code == ExitCode.DONE, run.lines
    assert "orders: orders.csv: 1,002 blank rows skipped" in run.lines
    (done,) = [line for line in run.lines if line.startswith("orders: done in")]
    assert "rows_in 1,022, accepted 20, rejected 0" in done and "blank_rows_skipped 1,002" in done
    assert run.counts["blank_rows_skipped"] == 1002 and every_row_counted(run.counts)
    assert run.valid["_row"].to_list() == [*range(2, 12), *range(14, 24)]  # the rows people see


def test_blank_rows_of_a_sheet_are_counted_too(team: Team) -> None:
    write_workbook(
        team.folder / "samples" / "orders.xlsx",
        {"订单": [HEADERS, order(1), [], order(2), [" ", None, "  "], order(3, 件数="x")]},
    )
    run = team.run("{path: ../samples/orders.xlsx, sheet: 订单}")
    assert run.exit_code == ExitCode.DONE, run.lines
    assert (run.counts["rows_in"], run.counts["rejected"], run.counts["blank_rows_skipped"]) == (5, 1, 2)
    assert every_row_counted(run.counts)


def test_every_job_that_reads_a_file_adds_its_blank_rows(team: Team) -> None:
    shipments = team.folder / "samples" / "shipments.csv"
    shipments.write_text(shipments.read_text(encoding="utf-8") + "\n\n,,,\n", encoding="utf-8")
    team.file("orders.csv", orders_csv([order(1)]))
    run = team.run(more=OVERDUE_JOB)
    assert run.exit_code == ExitCode.DONE, run.lines
    assert "overdue: shipments.csv: 3 blank rows skipped" in run.lines
    assert job_counts(run, "overdue")["blank_rows_skipped"] == 3


# 3. An "Excel" file that is not what its name says


def test_an_html_page_named_xls_is_read_as_its_table(team: Team) -> None:
    """A GBK page, as Chinese web systems still write them: cells padded with spaces and
    `&nbsp;`, an entity in a name, a line break in an address."""
    second = order(2, 收货人="张&amp;宁", 收货地址="南通市<br>海门区", 保价金额="&nbsp;")
    page = html_page([HEADERS, [f"  {cell} " for cell in order(1)], second], charset="gbk")
    team.file("orders.xls", page, encoding="gbk")
    run = team.run("../samples/orders.xls")
    assert run.exit_code == ExitCode.DONE, run.lines
    assert (
        "orders: warning: orders.xls: read as an HTML page (by its content), not as a legacy .xls workbook (by its name)"
        in run.lines
    )
    got = run.valid.select("_row", "order_id", "consignee_name", "consignee_address", "declared_value").rows()
    assert got == [
        (2, "7551000001", "张宁", "南通市海门区滨江路524号", None),
        (3, "7551000002", "张&宁", "南通市\n海门区", None),
    ]
    assert every_row_counted(run.counts)


def test_the_table_sheet_names_by_its_number(team: Team) -> None:
    summary = [["营业所", "单量"], ["杭州余杭营业所", "2"]]
    team.file("orders.xls", html_page(summary, [HEADERS, order(1), order(2)]))
    run = team.run("{path: ../samples/orders.xls, sheet: 1}")
    assert run.exit_code == ExitCode.DONE, run.lines
    assert run.valid["order_id"].to_list() == ["7551000001", "7551000002"]
    run = team.run("../samples/orders.xls")  # the first table: the summary, which has no orders
    assert run.error_line.startswith("TEAM/samples/orders.xls: no column for 'order_id' (accepted headers: ")


def test_a_page_without_a_table_is_refused_as_the_page_it_is(team: Team) -> None:
    team.file("orders.xls", "<html><head><title>请登录</title></head><body><form>用户名</form></body></html>")
    run = team.run("../samples/orders.xls")
    assert run.exit_code == ExitCode.BAD_INPUT
    assert run.error_line == (
        "TEAM/samples/orders.xls: an HTML page with no table in it (its title: '请登录'), "
        "not an export of rows; a login or error page saved instead?"
    )


def test_merged_cells_of_a_page_keep_the_columns_under_their_headers(team: Team) -> None:
    """A header cell spanning two columns, a branch cell spanning two rows, end tags left out."""
    head = "".join(f"<th>{h}</th>" for h in HEADERS[:-2]) + '<th colspan="2">营业所 / 客服工号</th>'
    first, second = order(1), order(2)
    rows = (
        "<tr>"
        + "".join(f"<td>{c}" for c in first[:-2])
        + '<td rowspan="2">杭州余杭营业所<td>8026'
        + "<tr>"
        + "".join(f"<td>{c}" for c in second[:-2])
        + "<td>8027"
    )
    team.file("orders.xls", f"<table><tr>{head}</tr>{rows}</table>")
    run = team.run("{path: ../samples/orders.xls, columns: {营业所 / 客服工号: branch}}")
    assert run.exit_code == ExitCode.DONE, run.lines
    assert run.valid.select("order_id", "branch", "column_21").rows() == [
        ("7551000001", "杭州余杭营业所", "8026"),
        ("7551000002", None, "8027"),  # the merged cell's text is in its first row only, as Excel shows it
    ]


def test_a_legacy_biff_xls_is_read_through_fastexcel(team: Team) -> None:
    xlwt = pytest.importorskip("xlwt", reason="xlwt writes the BIFF8 test file")
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("订单", cell_overwrite_ok=True)
    for c, header in enumerate(HEADERS):
        sheet.write(0, c, header)
    for r, row in enumerate([order(1), order(2)], start=2):  # row 2 left empty
        for c, cell in enumerate(row):
            sheet.write(r, c, cell)
    sheet.write(2, 3, 18890300001)  # a phone typed as a number
    sheet.write(3, 1, dt.datetime(2026, 11, 21, 9, 5), xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm"))
    workbook.save(str(team.folder / "samples" / "orders.xls"))
    run = team.run("../samples/orders.xls")
    assert run.exit_code == ExitCode.DONE, run.lines
    shanghai = ZoneInfo("Asia/Shanghai")
    assert run.valid.select("_row", "shipper_phone", "order_time").rows() == [
        (3, "18890300001", dt.datetime(2026, 11, 20, 10, 5, tzinfo=shanghai)),
        (4, "18890300002", dt.datetime(2026, 11, 21, 9, 5, tzinfo=shanghai)),  # a date cell
    ]
    assert run.counts["blank_rows_skipped"] == 1 and every_row_counted(run.counts)


def test_an_ole2_file_goes_to_the_xls_reader(team: Team) -> None:
    """What the first bytes decide, without a BIFF writer: the OLE2 signature is an .xls."""
    team.file("orders.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    run = team.run("../samples/orders.xls")
    assert run.exit_code == ExitCode.BAD_INPUT
    assert run.error_line == (
        "TEAM/samples/orders.xls: cannot read the .xls workbook: "
        "calamine error: Xls error: Cfb error: Invalid sector shift, expecting 0x09 or 0x0C found 0"
    )


@pytest.mark.parametrize(
    ("name", "write", "read_as"),
    [
        ("orders.xlsx", lambda path: path.write_text(orders_csv([order(1), order(2)]), encoding="utf-8"), "text"),
        (
            "orders.xls",
            lambda path: path.write_bytes(orders_csv([order(1), order(2)], delimiter="\t").encode("gbk")),
            "text",
        ),
        ("orders.csv", lambda path: write_workbook(path, {"订单": [HEADERS, order(1), order(2)]}), "an .xlsx workbook"),
    ],
    ids=["csv named xlsx", "gbk tab-separated named xls", "xlsx named csv"],
)
def test_a_file_is_read_as_what_it_holds(team: Team, name: str, write: Callable[[Path], object], read_as: str) -> None:
    path = team.folder / "samples" / name
    write(path)
    run = team.run(f"../samples/{name}")
    assert run.exit_code == ExitCode.DONE, run.lines
    assert any(line.startswith(f"orders: warning: {name}: read as {read_as} (by its content)") for line in run.lines)
    assert run.valid["order_id"].to_list() == ["7551000001", "7551000002"]


# 6. A CR-only file whose last line ends in CRLF


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
@pytest.mark.parametrize("where", ["last line", "a middle line too"])
def test_a_cr_only_file_with_a_crlf_reads_every_row(team: Team, encoding: str, where: str) -> None:
    text = orders_csv([order(1), order(2), order(3)], line_end="\r")
    text = text[:-1] + "\r\n"
    if where != "last line":
        text = replace_once(text, "\r7551000002", "\r\n7551000002")
    team.file("orders.csv", text, encoding=encoding)
    run = team.run()
    assert run.exit_code == ExitCode.DONE, run.lines
    assert run.valid.select("_row", "order_id", "agent_id").rows() == [
        (2, "7551000001", "8026"), (3, "7551000002", "8026"), (4, "7551000003", "8026")
    ]  # fmt: skip
    assert run.counts["blank_rows_skipped"] == 0 and every_row_counted(run.counts)


# 7. A row with more fields than the header


def test_a_row_with_more_fields_than_the_header_is_named_with_both_counts(team: Team) -> None:
    """The wide row has a quoted comma, and a line break in a cell above it moves it down a line."""
    rows = [order(1, 收货地址="南通市\n海门区"), order(2, 货物名称="配件, 轮胎") + ["多一格", "又一格"]]
    team.file("orders.csv", orders_csv(rows))
    run = team.run()
    assert run.exit_code == ExitCode.BAD_INPUT
    assert run.error_line == (
        "TEAM/samples/orders.csv: row 4: 23 fields, but the header has 21; check for an unquoted ',' in a value"
    )


# Issue 16, item 1: every path is literal


RECHECK_JOB = """\
  recheck:
    kind: validate_orders
    input: orders.valid
    rules: rules/orders.yaml
"""


def test_brackets_in_the_input_and_output_folder_names_are_no_patterns(team: Team) -> None:
    """The export `订单导出[11月].csv` beside `订单导出1.csv` (what the pattern would match), and an
    output folder `out[11月]`, where the second job reads the first one's valid.parquet."""
    team.file("订单导出[11月].csv", orders_csv([order(1), order(2)]))
    team.file("订单导出1.csv", orders_csv([order(7)]))
    config = replace_once(
        BATCH.format(input="../samples/订单导出[11月].csv", more=RECHECK_JOB), "output: ../out", "output: ../out[11月]"
    )
    (team.folder / "config" / "brackets.yaml").write_text(config, encoding="utf-8")
    run = team.run_config("brackets.yaml")
    assert run.exit_code == ExitCode.DONE, run.lines
    out = team.folder / "out[11月]" / "2026-11-22" / "hostile"
    for job in ("orders", "recheck"):
        assert pl.read_parquet(out / job / "valid.parquet", glob=False)["order_id"].to_list() == [
            "7551000001",
            "7551000002",
        ]
