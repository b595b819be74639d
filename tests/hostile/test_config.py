"""Hostile batch configs through the real CLI: each one line `file:line:col: key: message`, exit 2,
no traceback, in little time and memory, and never a value that came from the environment."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from tests.support.files import write
from toolkit.cli import app
from toolkit.orders.fields import ORDER_FIELDS
from toolkit.registry import load_config

CONFIG = "config/batch.yaml"
AS_OF = ["--date", "2026-11-22", "--as-of", "2026-11-22 09:00"]
SECRET = "s3cr3t-Pa55w0rd"

BILLION_LAUGHS = (
    "batch: daily\n"
    + "a: &a ["
    + ", ".join(['"lol"'] * 9)
    + "]\n"
    + "".join(
        f"{level}: &{level} [" + ", ".join([f"*{below}"] * 9) + "]\n" for below, level in zip("abcdefgh", "bcdefghi")
    )
    + "jobs: {}\n"
)
"""Nine levels of nine aliases: 387,420,489 strings once expanded, from 11 lines."""


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A team folder (the working folder) with an order export of one row."""
    monkeypatch.chdir(tmp_path)
    headers = [field.label_zh for field in ORDER_FIELDS]
    row = ["2026-11-22 09:00" if header == "下单时间" else "1" for header in headers]
    write(tmp_path / "samples" / "orders.csv", ",".join(headers) + "\n" + ",".join(row) + "\n")
    return tmp_path


def config(team: Path, text: str) -> str:
    write(team / CONFIG, text)
    return CONFIG


def toolkit(command: str, *args: str) -> Result:
    return CliRunner().invoke(app, [command, *args, *(AS_OF if command == "run" else [])])


def errors(command: str, path: str) -> list[str]:
    """What `toolkit check` or `toolkit run` prints, having exited 2 with nothing on stdout."""
    done = toolkit(command, path)
    assert (done.exit_code, done.stdout) == (2, ""), done.output
    return done.stderr.splitlines()


def orders_job(input_line: str) -> str:
    """A batch of one validate_orders job whose `input:` value starts at line 5, column 12."""
    return f"batch: daily\njobs:\n  orders:\n    kind: validate_orders\n    input: {input_line}\n"


# Issue 11, item 4: an unclosed bracket or quote is reported where it opens, and where the parser gave up.


@pytest.mark.parametrize(
    ("value", "what"),
    [
        (
            "[../samples/orders.csv, x",
            "while parsing a flow sequence inside the '[' that opens here: expected ',' or ']', but got '<stream end>'",
        ),
        (
            "[",
            "while parsing a flow node inside the '[' that opens here: expected the node content, but found '<stream end>'",
        ),
        (
            "{path: ../samples/orders.csv",
            "while parsing a flow mapping inside the '{' that opens here: expected ',' or '}', but got '<stream end>'",
        ),
        (
            '"../samples/orders.csv',
            "while scanning a quoted scalar inside the '\"' that opens here: found unexpected end of stream",
        ),
        (
            "'../samples/orders.csv",
            'while scanning a quoted scalar inside the "\'" that opens here: found unexpected end of stream',
        ),
    ],
    ids=["[ with values", "[ alone", "{", "double quote", "single quote"],
)
def test_an_unclosed_bracket_or_quote_is_reported_where_it_opens(team: Path, value: str, what: str) -> None:
    path = config(team, orders_job(value))
    assert errors("check", path) == [f"error: config/batch.yaml:5:12: invalid YAML: {what} at line 6, column 1"]


# Issue 11, item 5: nested aliases refused as they are parsed; ordinary anchors and merges still load.


def test_a_billion_laughs_file_is_refused_at_once_in_little_memory(team: Path) -> None:
    toolkit("check", config(team, orders_job("../samples/orders.csv")))  # the command's imports, not measured
    path = config(team, BILLION_LAUGHS)
    tracemalloc.start()
    started = time.perf_counter()
    done = toolkit("check", path)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert (done.exit_code, done.stdout, done.stderr) == (
        2,
        "",
        "error: config/batch.yaml:6:8: invalid YAML: the aliases up to here stand for more than 10,000 values "
        '(nested aliases, as in a "billion laughs" file); a config needs far fewer\n',
    )
    assert seconds < 1.0
    assert peak < 100 * 2**20


def test_an_alias_inside_its_own_anchor_is_refused(team: Path) -> None:
    path = config(team, "batch: daily\ncalendar:\n  closures: &days [2026-10-01, *days]\njobs: {}\n")
    assert errors("check", path) == [
        "error: config/batch.yaml:3:32: invalid YAML: alias *days stands inside its own anchor's value"
    ]


def test_values_nested_thousands_deep_are_refused(team: Path) -> None:
    path = config(team, "batch: daily\ncalendar:\n  closures: " + "[" * 3000 + "]" * 3000 + "\njobs: {}\n")
    assert errors("check", path) == [
        "error: config/batch.yaml:3:61: invalid YAML: values nested more than 50 levels deep; a config needs far fewer"
    ]


def test_anchors_and_merge_keys_still_load_and_the_mapping_s_own_keys_win(team: Path) -> None:
    path = config(
        team,
        "batch: daily\njobs:\n"
        "  orders: &orders\n    kind: validate_orders\n    input: ../samples/orders.csv\n    description: the day's export\n"
        "  again:\n    <<: *orders\n    description: the same export, checked twice\n",
    )
    done = toolkit("check", path)
    assert (done.exit_code, done.stdout, done.stderr) == (0, "config/batch.yaml: ok (2 jobs)\n", "")
    jobs = load_config(path).model.jobs
    assert jobs["again"].input == jobs["orders"].input
    assert jobs["again"].description == "the same export, checked twice"


def test_a_mistake_in_merged_keys_is_reported_where_the_anchor_wrote_it(team: Path) -> None:
    path = config(
        team,
        "batch: daily\njobs:\n"
        "  orders: &orders\n    kind: validate_orders\n    input: ../samples/orders.csv\n    sheet: 订单\n"
        "  again:\n    <<: *orders\n",
    )
    assert errors("check", path) == [
        "error: config/batch.yaml:6:5: jobs.orders.sheet: unknown key 'sheet'",
        "error: config/batch.yaml:6:5: jobs.again.sheet: unknown key 'sheet'",
    ]


# Issue 11, item 12: references between jobs reported at the `input:` line that makes them.


@pytest.mark.parametrize("command", ["check", "run"])
def test_a_job_reading_its_own_output_is_reported_at_its_input_line(team: Path, command: str) -> None:
    path = config(team, orders_job("orders.valid"))
    assert errors(command, path) == [
        "error: config/batch.yaml:5:5: jobs.orders.input: orders.valid is this job's own output; "
        "a job reads the outputs of earlier jobs"
    ]


@pytest.mark.parametrize("command", ["check", "run"])
def test_a_cycle_is_reported_at_the_reference_that_closes_it_naming_its_jobs(team: Path, command: str) -> None:
    path = config(
        team,
        "batch: daily\njobs:\n"
        "  first:\n    kind: validate_orders\n    input: third.valid\n"
        "  second:\n    kind: validate_orders\n    input: first.valid\n"
        "  third:\n    kind: validate_orders\n    input: second.valid\n",
    )
    assert errors(command, path) == [
        "error: config/batch.yaml:5:5: jobs.first.input: third.valid: the jobs read each other's output in a cycle "
        "(first reads third, third reads second, second reads first)"
    ]


def test_a_reference_to_a_later_job_outside_a_cycle_says_it_must_come_earlier(team: Path) -> None:
    path = config(
        team,
        "batch: daily\njobs:\n"
        "  first:\n    kind: validate_orders\n    input: later.valid\n"
        "  later:\n    kind: validate_orders\n    input: ../samples/orders.csv\n",
    )
    assert errors("check", path) == [
        "error: config/batch.yaml:5:5: jobs.first.input: later.valid refers to job 'later', which must come earlier in the batch"
    ]


@pytest.mark.parametrize("command", ["check", "run"])
def test_a_misspelt_job_name_names_the_job_not_a_file(team: Path, command: str) -> None:
    path = config(
        team,
        "batch: daily\njobs:\n"
        "  orders:\n    kind: validate_orders\n    input: ../samples/orders.csv\n"
        "  again:\n    kind: validate_orders\n    input: ordrs.valid\n",
    )
    assert errors(command, path) == [
        "error: config/batch.yaml:8:5: jobs.again.input: ordrs.valid: no job named 'ordrs' (did you mean orders?) "
        "and no such file next to the config"
    ]


# Issue 11, item 13: a value from `${VAR}` is never printed, whichever key it lands in.


@pytest.mark.parametrize("command", ["check", "run"])
def test_a_value_from_the_environment_in_the_wrong_key_is_never_printed(
    team: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", SECRET)
    path = config(
        team,
        "batch: daily\nsmtp:\n  host: mail.example.com\n  port: ${SMTP_PASSWORD}\n  security: ${SMTP_PASSWORD}\n"
        "jobs:\n  orders:\n    kind: validate_orders\n    input: ${SMTP_PASSWORD}\n",
    )
    lines = errors(command, path)
    assert SECRET not in "\n".join(lines)  # and nothing on stdout
    assert lines == [
        "error: config/batch.yaml:9:5: jobs.orders.input: file not found: (the value of ${SMTP_PASSWORD}, hidden)",
        "error: config/batch.yaml:4:3: smtp.port: Input should be a valid integer, unable to parse string as an integer "
        "(the value of ${SMTP_PASSWORD}, hidden)",
        "error: config/batch.yaml:5:3: smtp.security: Input should be 'starttls', 'ssl' or 'none' (the value of ${SMTP_PASSWORD}, hidden)",
    ]


def test_part_of_a_path_from_the_environment_is_hidden_also_in_did_you_mean(
    team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPORTS", "../samples")
    path = config(team, orders_job("${EXPORTS}/ordres.csv"))
    assert errors("check", path) == [
        "error: config/batch.yaml:5:5: jobs.orders.input: file not found: (the value of ${EXPORTS}, hidden)/ordres.csv "
        "(did you mean (the value of ${EXPORTS}, hidden)/orders.csv?)"
    ]


@pytest.mark.parametrize("command", ["check", "run"])
def test_a_path_from_the_environment_is_hidden_also_as_the_reader_prints_it(
    team: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("ORDERS_EXPORT", f"../samples/{SECRET}/orders.csv")
    write(team / "samples" / SECRET / "orders.csv", "")  # empty: the reader refuses it, naming the file
    path = config(
        team, "batch: daily\noutput: ../out\njobs:\n  orders:\n    kind: validate_orders\n    input: ${ORDERS_EXPORT}\n"
    )
    done = toolkit(command, path, *(["--log-file", "run.log"] if command == "run" else []))
    log = team / "run.log"
    printed = done.stdout + done.stderr + (log.read_text(encoding="utf-8") if log.exists() else "")
    assert (done.exit_code, done.stdout) == (2, "")
    assert SECRET not in printed
    assert "(the value of ${ORDERS_EXPORT}, hidden): " in done.stderr
    manifests = list((team / "out").rglob("manifest.json"))
    assert all(
        SECRET not in manifest.read_text(encoding="utf-8") for manifest in manifests
    )  # nor in what the run wrote
