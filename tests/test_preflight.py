"""`toolkit check` opens what a run would open and lists every problem as one line, exit 2."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from tests.support.files import replace_once, write
from tests.support.io_files import write_workbook
from toolkit.cli import app
from toolkit.orders.fields import ORDER_FIELDS

ORDER_HEADERS = [field.label_zh for field in ORDER_FIELDS]
ORDERS_JOB = "  orders:\n    kind: validate_orders\n    input: ../samples/orders.csv\n"  # lines 3-5


def orders_csv(path: Path, headers: Sequence[str]) -> Path:
    """An order export with these headers and one row (an order time that reads, 1 elsewhere)."""
    return write(
        path,
        ",".join(headers) + "\n" + ",".join("2026-11-22 09:00" if h == "下单时间" else "1" for h in headers) + "\n",
    )


def sms_job(source: str, *, template: str = "../templates/dispatch.txt.j2", more: str = "") -> str:
    """A render_messages job named `sms` reading `source`; its `input:` is the job's third line."""
    return (
        f"  sms:\n    kind: render_messages\n    input: {source}\n    template: {template}\n"
        f"    recipients:\n      - {{role: 客户, phone: consignee_phone}}\n{more}"
    )


def batch(folder: Path, jobs: str) -> str:
    write(folder / "config" / "batch.yaml", "batch: checked\njobs:\n" + jobs)
    return "config/batch.yaml"


def check(config: str) -> Result:
    return CliRunner().invoke(app, ["check", config])


def problems(config: str) -> list[str]:
    """The lines `toolkit check` prints, having exited 2 and printed nothing on stdout."""
    done = check(config)
    assert (done.exit_code, done.stdout) == (2, ""), done.output
    return done.stderr.splitlines()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A team folder with an order export and an SMS template, as the working folder."""
    monkeypatch.chdir(tmp_path)
    orders_csv(tmp_path / "samples" / "orders.csv", ORDER_HEADERS)
    write(tmp_path / "templates" / "dispatch.txt.j2", "[{{ serial }}]\n客{{ shipper_name }}{{ goods_name }}")
    return tmp_path


def test_the_daily_batch_on_the_bundled_samples_is_ok(team_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(team_folder)
    done = check("config/daily.yaml")
    assert (done.exit_code, done.stdout, done.stderr) == (0, "config/daily.yaml: ok (8 jobs)\n", "")
    assert not (team_folder / "out").exists()  # nothing ran


def test_a_wrong_sheet_name_lists_the_sheets(folder: Path) -> None:
    write_workbook(
        folder / "samples" / "orders.xlsx",
        {"订单": [ORDER_HEADERS, ["1"] * len(ORDER_HEADERS)], "说明": [["导出说明"]]},
    )
    config = batch(
        folder, "  orders:\n    kind: validate_orders\n    input: {path: ../samples/orders.xlsx, sheet: 订单表}\n"
    )
    assert problems(config) == [
        "error: config/batch.yaml:5:5: jobs.orders.input: samples/orders.xlsx: no sheet named '订单表'; the sheets are '订单', '说明'"
    ]


def test_a_missing_required_column_names_the_headers_it_would_take(folder: Path) -> None:
    headers = [h for h in ORDER_HEADERS if h != "收货人电话"]
    orders_csv(folder / "samples" / "orders.csv", headers)
    assert problems(batch(folder, ORDERS_JOB)) == [
        "error: config/batch.yaml:5:5: jobs.orders.input: samples/orders.csv: no column for 'consignee_phone' "
        "(accepted headers: consignee_phone, 收货人电话, Consignee phone, 收件人电话, 收货电话); "
        f"headers found: {', '.join(repr(h) for h in headers)}"
    ]


def test_a_header_mapped_under_columns_counts_as_that_field(folder: Path) -> None:
    headers = ["收件手机" if h == "收货人电话" else h for h in ORDER_HEADERS]
    orders_csv(folder / "samples" / "orders.csv", headers)
    config = batch(
        folder,
        "  orders:\n    kind: validate_orders\n    input: {path: ../samples/orders.csv, columns: {收件手机: consignee_phone}}\n",
    )
    assert check(config).stdout == "config/batch.yaml: ok (1 job)\n"


def test_a_misspelt_template_variable_says_what_it_may_mean(folder: Path) -> None:
    write(folder / "templates" / "dispatch.txt.j2", "[{{ serial }}]\n客{{ shiper_name }}{{ goods_name }}")
    config = batch(folder, ORDERS_JOB + sms_job("orders.valid"))
    assert problems(config) == [
        "error: config/batch.yaml:9:5: jobs.sms.template: templates/dispatch.txt.j2:2: "
        "undefined variable 'shiper_name' (did you mean shipper_name?)"
    ]


def test_a_template_may_use_the_directory_the_config_columns_and_the_inputs_other_columns(folder: Path) -> None:
    orders_csv(folder / "samples" / "orders.csv", [*ORDER_HEADERS, "remark"])  # not an order field: passed through
    write(folder / "config" / "branches.csv", "branch,dispatcher_phone\n上海嘉定营业所,13801710001\n")
    write(
        folder / "templates" / "dispatch.txt.j2",
        "{{ shipper_name }}{{ remark }}{{ dispatcher_phone }}{{ hotline }}{{ serial }}",
    )
    more = "    directory: branches.csv\n    columns: {hotline: 95338}\n"
    assert (
        check(batch(folder, ORDERS_JOB + sms_job("orders.valid", more=more))).stdout
        == "config/batch.yaml: ok (2 jobs)\n"
    )


def test_a_table_the_earlier_job_does_not_publish_names_the_one_it_may_mean(folder: Path) -> None:
    config = batch(folder, ORDERS_JOB + sms_job("orders.validd"))
    assert problems(config) == [
        "error: config/batch.yaml:8:5: jobs.sms.input: job 'orders' publishes no table 'validd' (did you mean orders.valid?)"
    ]


def test_a_reference_to_no_job_names_the_job_it_may_mean(folder: Path) -> None:
    config = batch(folder, ORDERS_JOB + sms_job("ordrs.valid"))
    assert problems(config) == [
        "error: config/batch.yaml:8:5: jobs.sms.input: ordrs.valid: no job named 'ordrs' (did you mean orders?) "
        "and no such file next to the config"
    ]


def test_an_unknown_job_kind_and_an_unknown_key_say_what_they_may_mean(folder: Path) -> None:
    jobs = replace_once(ORDERS_JOB, "kind: validate_orders", "kind: validate_order") + sms_job(
        "../samples/orders.csv", more="    recipents: []\n"
    )
    assert problems(batch(folder, jobs)) == [
        "error: config/batch.yaml:4:5: jobs.orders.kind: unknown job kind 'validate_order' (did you mean validate_orders?)",
        "error: config/batch.yaml:12:5: jobs.sms.recipents: unknown key 'recipents' (did you mean recipients?)",
    ]


def test_columns_the_config_names_must_be_in_the_input(folder: Path) -> None:
    sms = sms_job("orders.valid", more="    where: {brnch: [上海嘉定营业所]}\n")
    config = batch(folder, ORDERS_JOB + replace_once(sms, "consignee_phone}", "consignee_phon}"))
    assert problems(config) == [
        "error: config/batch.yaml:12:13: jobs.sms.where.brnch: no column 'brnch' (did you mean branch?)",
        "error: config/batch.yaml:11:20: jobs.sms.recipients[0].phone: no column 'consignee_phon' (did you mean consignee_phone?)",
    ]


def test_a_broken_sla_file_is_reported_where_it_is_wrong(folder: Path) -> None:
    write(folder / "samples" / "shipments.csv", "waybill,order_time\nSF1,2026-11-20 09:00\n")
    write(folder / "config" / "sla.yaml", "pickup:\n  morning_cutoff: '25:00'\nstalled_hourz: {}\n")
    config = batch(
        folder, "  overdue:\n    kind: flag_overdue\n    shipments: ../samples/shipments.csv\n    sla: sla.yaml\n"
    )
    assert problems(config) == [
        "error: config/sla.yaml:2:3: pickup.morning_cutoff: Input should be in a valid time format, "
        "hour value is outside expected range of 0-23 (got '25:00')",
        "error: config/sla.yaml:3:1: stalled_hourz: unknown key 'stalled_hourz' (did you mean stalled_hours?)",
    ]


def test_an_unknown_preset_is_reported_at_its_key(folder: Path) -> None:
    write(folder / "samples" / "shipments.csv", "waybill,order_time\nSF1,2026-11-20 09:00\n")
    config = batch(
        folder, "  overdue:\n    kind: flag_overdue\n    shipments: ../samples/shipments.csv\n    preset: sff\n"
    )
    [line] = problems(config)
    assert line.startswith("error: config/batch.yaml:6:5: jobs.overdue.preset: unknown preset 'sff' (built-in: ")


def test_a_misspelt_name_in_a_letters_layout_is_found_in_the_layout(
    team_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(team_folder)
    base = team_folder / "templates" / "letters" / "base.html.j2"
    write(
        base,
        replace_once(
            base.read_text(encoding="utf-8"),
            '<div class="company">{{ company.name }}',
            '<div class="company">{{ compnay.name }}',
        ),
    )
    assert problems("config/daily.yaml") == [
        "error: config/daily.yaml:82:17: jobs.claim_letters.letters.apology.template: templates/letters/base.html.j2:5: "
        "undefined variable 'compnay' (did you mean company?)",
        "error: config/daily.yaml:83:21: jobs.claim_letters.letters.negotiation.template: templates/letters/base.html.j2:5: "
        "undefined variable 'compnay' (did you mean company?)",
    ]


def test_a_mail_subject_names_only_what_a_mail_is_rendered_with(folder: Path) -> None:
    write(folder / "config" / "report.html", "<p>日报</p>")
    config = batch(
        folder,
        "  mail:\n    kind: email\n    to: [a@example.com]\n    subject: '日报 {{ rundate }}'\n    body: report.html\n",
    )
    assert problems(config) == [
        "error: config/batch.yaml:6:5: jobs.mail.subject: subject:1: undefined variable 'rundate' (did you mean run_date?)"
    ]


def test_several_problems_are_listed_at_once_in_the_order_of_the_config(folder: Path) -> None:
    write(folder / "config" / "rules.yaml", "required: [order_id, ordr_time]\n")
    write(folder / "samples" / "shipments.csv", "waybill\nSF1\n")
    jobs = (
        ORDERS_JOB
        + "    rules: rules.yaml\n"
        + sms_job("orders.validd")
        + "  overdue:\n    kind: flag_overdue\n    shipments: ../samples/shipments.csv\n"
    )
    lines = problems(batch(folder, jobs))
    assert [line.split(": ")[1] for line in lines] == [
        "config/rules.yaml:1:1",
        "config/batch.yaml:9:5",
        "config/batch.yaml:15:5",
    ]
    assert lines[1].endswith("jobs.sms.input: job 'orders' publishes no table 'validd' (did you mean orders.valid?)")
    assert "jobs.overdue.shipments: samples/shipments.csv: no column for 'order_time'" in lines[2]


def _orders_with_times(folder: Path, times: Sequence[str]) -> None:
    header = ",".join(ORDER_HEADERS)
    column = ORDER_HEADERS.index("下单时间")
    rows = [",".join(t if i == column else "1" for i in range(len(ORDER_HEADERS))) for t in times]
    write(folder / "samples" / "orders.csv", "\n".join([header, *rows]) + "\n")


def test_order_times_that_do_not_read_say_which_date_formats_line_would(folder: Path) -> None:
    _orders_with_times(folder, ["22/11/2026 09:05", "23/11/2026 10:00", "24/11/2026 11:30"])
    config = batch(folder, ORDERS_JOB)
    assert problems(config) == [
        'error: config/batch.yaml:5:5: jobs.orders.input: samples/orders.csv: order_time (column "下单时间"): 3 of 3 sampled values'
        ' are not dates or times, e.g. "22/11/2026 09:05", "23/11/2026 10:00", "24/11/2026 11:30";'
        ' date_formats: {order_time: "%d/%m/%Y %H:%M"} would read them'
    ]
    fixed = batch(
        folder,
        replace_once(
            ORDERS_JOB,
            "input: ../samples/orders.csv",
            'input: {path: ../samples/orders.csv, date_formats: {order_time: "%d/%m/%Y %H:%M"}}',
        ),
    )
    assert check(fixed).stdout == "config/batch.yaml: ok (1 job)\n"


def test_a_wrong_date_formats_pattern_is_a_problem_and_a_few_bad_dates_are_not(folder: Path) -> None:
    _orders_with_times(folder, ["11/22/2026 09:05", "11/23/2026 10:00", "2026-11-24 11:30", "待定"])
    wrong = batch(
        folder,
        replace_once(
            ORDERS_JOB,
            "input: ../samples/orders.csv",
            'input: {path: ../samples/orders.csv, date_formats: {order_time: "%d/%m/%Y %H:%M"}}',
        ),
    )
    assert problems(wrong) == [
        'error: config/batch.yaml:5:5: jobs.orders.input: samples/orders.csv: order_time (column "下单时间"): 3 of 4 sampled values'
        ' are not dates or times, e.g. "11/22/2026 09:05", "11/23/2026 10:00", "待定" (date_formats "%d/%m/%Y %H:%M" did not'
        ' read them); date_formats: {order_time: ["%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"]} would read them'
    ]
    right = batch(
        folder,
        replace_once(
            ORDERS_JOB,
            "input: ../samples/orders.csv",
            'input: {path: ../samples/orders.csv, date_formats: {order_time: "%m/%d/%Y %H:%M"}}',
        ),
    )
    assert check(right).stdout == "config/batch.yaml: ok (1 job)\n"  # 待定 alone is a finding of the run, not a problem


def test_date_formats_for_a_field_that_is_not_a_time_is_a_problem(folder: Path) -> None:
    config = batch(
        folder,
        replace_once(
            ORDERS_JOB,
            "input: ../samples/orders.csv",
            'input: {path: ../samples/orders.csv, date_formats: {ordr_time: "%d/%m/%Y"}}',
        ),
    )
    assert problems(config) == [
        "error: config/batch.yaml:5:5: jobs.orders.input: samples/orders.csv: date_formats: 'ordr_time' is not a time field"
        " of this input (did you mean 'order_time'?)"
    ]
