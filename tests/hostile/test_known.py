"""Hostile inputs the toolkit already holds, kept held: each file written here, each run through
the real CLI, each asserting the one line, the exit code and that every row is accounted for."""

from __future__ import annotations

import openpyxl
import polars as pl
import pytest

from tests.support.files import replace_once
from tests.support.hostile_files import HEADERS, SMS_JOB, Run, Team, order, orders_csv
from toolkit.errors import ExitCode


def problem_cell(run: Run, header: str, row: int = 2) -> openpyxl.cell.Cell:
    """A cell of findings.xlsx's first sheet (the problem rows as typed in), by its column's header."""
    sheet = openpyxl.load_workbook(run.out / "orders" / "findings.xlsx").worksheets[0]
    column = [cell.value for cell in sheet[1]].index(header) + 1
    return sheet.cell(row=row, column=column)


def findings(run: Run) -> list[tuple[int, str, str]]:
    return pl.read_parquet(run.out / "orders" / "findings.parquet").select("row", "rule", "column").rows()


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"", "TEAM/samples/orders.csv: the file is empty (0 bytes)"),
        (orders_csv([]).encode(), "TEAM/samples/orders.csv: no data rows below the header (row 1)"),
    ],
    ids=["empty", "header only"],
)
def test_a_file_without_orders_is_one_line_and_exit_2(team: Team, content: bytes, line: str) -> None:
    team.file("orders.csv", content)
    run = team.run()
    assert run.exit_code == ExitCode.BAD_INPUT and run.error_line == line


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_gb18030_with_characters_beyond_gbk_a_bom_and_every_line_end(team: Team, encoding: str, line_end: str) -> None:
    team.file("orders.csv", orders_csv([order(1, 收货人="𠮷田"), order(2)], line_end=line_end), encoding=encoding)
    run = team.run()
    assert run.exit_code == ExitCode.DONE, run.lines
    assert run.valid["consignee_name"].to_list() == ["𠮷田", "张宁"] and run.accounted_for()


def test_a_corrupt_workbook_and_a_wrong_sheet_are_one_line(team: Team) -> None:
    team.file("broken.xlsx", b"PK\x03\x04 this is not a workbook")
    run = team.run("../samples/broken.xlsx")
    assert run.exit_code == ExitCode.BAD_INPUT
    assert run.error_line.startswith("TEAM/samples/broken.xlsx: cannot read the workbook")
    run = team.run("{path: ../samples/orders.xlsx, sheet: 订单x}")
    assert run.error_line == "TEAM/samples/orders.xlsx: no sheet named '订单x'; the sheets are '订单'"


def test_a_missing_column_names_the_field_and_the_headers_it_accepts(team: Team) -> None:
    without = [h for h in HEADERS if h != "收货人电话"]
    team.file(
        "orders.csv",
        orders_csv([[cell for h, cell in zip(HEADERS, order(1), strict=True) if h != "收货人电话"]], headers=without),
    )
    line = team.run().error_line
    assert line.startswith(
        "TEAM/samples/orders.csv: no column for 'consignee_phone' (accepted headers: consignee_phone, 收货人电话,"
    )


def test_shifted_columns_trip_the_threshold_with_one_line_and_exit_1(team: Team) -> None:
    team.file("orders.csv", orders_csv([["", *order(i)[:-1]] for i in range(1, 11)]))
    run = team.run()
    assert run.exit_code == ExitCode.JOB_FAILED
    assert any(
        line.endswith("— 10 of 10 rows refused (more than 50%): wrong sheet or shifted columns?") for line in run.lines
    )
    assert run.counts["rejected"] == 10 and run.accounted_for()


def test_excel_realities_are_read_as_the_values_people_meant(team: Team) -> None:
    team.file(
        "orders.csv",
        orders_csv(
            [
                order(1, 发货人电话="1.8890361508E10", 件数="６", 下单时间="46346.42"),
                order(2, 收货人电话="+86 159-9003-9685"),
            ]
        ),
    )
    got = team.run().valid.select("shipper_phone", "pieces", "consignee_phone").rows()
    assert got == [("18890361508", 6, "15990039685"), ("18890300002", 6, "15990039685")]


def test_placeholders_in_a_date_column_are_findings_on_their_rows(team: Team) -> None:
    team.file("orders.csv", orders_csv([order(1, 下单时间="Date Not Captured"), order(2, 下单时间="待定"), order(3)]))
    run = team.run()
    assert findings(run) == [(2, "not_a_date", "order_time"), (3, "not_a_date", "order_time")]
    assert run.counts["unreadable_order_time"] == 2 and run.accounted_for()


def test_formula_text_is_never_a_formula_in_xlsx(team: Team) -> None:
    team.file("orders.csv", orders_csv([order(1, 发货人="=1+1", 件数="x"), order(2, 发货人="@SUM(A1)")]))
    run = team.run(more=SMS_JOB)
    cell = problem_cell(run, "发货人")
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    rejected = run.out / "orders" / "rejected.parquet"
    assert pl.read_parquet(rejected)["shipper_name"].to_list() == ["=1+1"]  # the data keeps what was typed


def test_a_five_million_character_cell_nul_bytes_and_emoji_survive(team: Team) -> None:
    long_goods = "汽车配件" + "长" * 5_000_000
    team.file(
        "orders.csv",
        orders_csv([order(1, 货物名称=long_goods), order(2, 收货人="张\x00宁", 件数="x"), order(3, 收货人="张宁😀")]),
    )
    run = team.run()
    assert run.exit_code == ExitCode.DONE and run.accounted_for()
    assert run.valid["goods_name"].str.len_chars().to_list() == [5_000_004, 4]
    assert run.valid["consignee_name"].to_list()[1] == "张宁😀"
    assert problem_cell(run, "收货人").value == "张_x0000_宁"  # a NUL in a cell, escaped: still a valid workbook


def test_a_repeated_order_id_is_refused_on_the_later_row(team: Team) -> None:
    team.file("orders.csv", orders_csv([order(1), order(1)]))
    run = team.run()
    assert findings(run) == [(3, "duplicate_order_id", "order_id")] and run.accounted_for()


def test_extra_columns_pass_through_and_a_line_break_in_a_cell_keeps_the_row_numbers(team: Team) -> None:
    rows = [order(1, 收货地址="南通市\n海门区") + ["加急"], order(2, 件数="0") + [""]]
    team.file("orders.csv", orders_csv(rows, headers=[*HEADERS, "备注"]))
    run = team.run()
    assert run.valid.select("consignee_address", "备注").rows() == [("南通市\n海门区", "加急")]
    assert findings(run) == [(4, "non_positive", "pieces")]  # the second order starts on line 4


def test_semicolons_are_a_delimiter_too(team: Team) -> None:
    team.file("orders.csv", orders_csv([order(1), order(2)], delimiter=";"))
    assert team.run().valid.height == 2


def test_python_tags_in_yaml_are_refused_before_anything_runs(team: Team) -> None:
    (team.folder / "config" / "evil.yaml").write_text(
        "batch: !!python/object/apply:os.system ['echo pwned']\njobs: {}\n"
    )
    run = team.run_config("evil.yaml")
    assert run.exit_code == ExitCode.BAD_INPUT
    assert run.lines == [
        "error: TEAM/config/evil.yaml:1:8: invalid YAML: could not determine a constructor for the tag"
        " 'tag:yaml.org,2002:python/object/apply:os.system'"
    ]


def test_a_template_cannot_reach_python_and_a_misspelt_name_is_one_line(team: Team) -> None:
    team.file("orders.csv", orders_csv([order(1), order(2)]))
    sms = team.folder / "templates" / "sms"
    (sms / "evil.txt.j2").write_text(
        "{{ ''.__class__.__mro__[1].__subclasses__() }}{{ shipper_name }}", encoding="utf-8"
    )
    run = team.run(more=replace_once(SMS_JOB, "dispatch.txt.j2", "evil.txt.j2"))
    assert run.exit_code == ExitCode.BAD_INPUT
    assert (
        run.error_line
        == "TEAM/templates/sms/evil.txt.j2:1: not allowed in a template: access to attribute '__class__' of 'str' object is unsafe."
    )
    (sms / "typo.txt.j2").write_text("{{ shiper_name }}", encoding="utf-8")
    run = team.run(more=replace_once(SMS_JOB, "dispatch.txt.j2", "typo.txt.j2"))
    assert run.error_line.startswith("TEAM/templates/sms/typo.txt.j2:1: undefined variable 'shiper_name'")


def test_markup_in_names_is_escaped_in_every_page(team: Team) -> None:
    team.file(
        "orders.csv",
        orders_csv(
            [order(1, 发货人="<script>alert(1)</script>", 件数="x"), order(2, 收货人="<img src=x onerror=alert(1)>")]
        ),
    )
    run = team.run(more=SMS_JOB)
    pages = sorted(run.out.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html, page.name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (run.out / "orders" / "summary.html").read_text(encoding="utf-8")
