"""Config errors are one line each: file:line:col: key: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.files import REPO, replace_once, write
from toolkit.errors import ConfigError, ExitCode
from toolkit.registry import load_config


def batch(tmp_path: Path, jobs: str, head: str = "batch: daily\n") -> Path:
    write(tmp_path / "samples" / "orders.xlsx", "not really")
    return write(tmp_path / "config" / "daily.yaml", head + "output: ../out\njobs:\n" + jobs)


def error_of(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    return caught.value


def test_a_good_config_resolves_paths_relative_to_the_file(tmp_path: Path) -> None:
    path = batch(tmp_path, "  orders:\n    kind: validate_orders\n    input: ../samples/orders.xlsx\n")
    loaded = load_config(path)
    job = loaded.model.jobs["orders"]
    assert job.input.path == (tmp_path / "samples" / "orders.xlsx").resolve()
    assert loaded.model.output == (tmp_path / "out").resolve()
    assert loaded.model.locale == "zh_CN"


def test_output_and_state_left_out_are_beside_the_config_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = batch(tmp_path, "  orders:\n    kind: validate_orders\n    input: ../samples/orders.xlsx\n").rename(
        tmp_path / "plain.yaml"
    )
    text = replace_once(path.read_text(encoding="utf-8"), "output: ../out\n", "")
    path.write_text(replace_once(text, "../samples", "samples"), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "samples")  # wherever cron happens to start
    loaded = load_config(path)
    assert loaded.model.output == (tmp_path / "out").resolve()
    assert loaded.model.state == (tmp_path / "data").resolve()  # serials and the follow-up log


def test_a_file_named_like_a_job_and_its_table_is_read_as_a_file(tmp_path: Path) -> None:
    write(tmp_path / "config" / "orders.csv", "订单号\nSD001\n")
    path = batch(tmp_path, "  orders:\n    kind: validate_orders\n    input: orders.csv\n")
    assert load_config(path).model.jobs["orders"].input.path == (tmp_path / "config" / "orders.csv").resolve()


def test_a_misspelt_file_names_line_column_key_and_the_close_match(tmp_path: Path) -> None:
    path = batch(tmp_path, "  orders:\n    kind: validate_orders\n    input: ../samples/ordres.xlsx\n")
    message = error_of(path).one_line()
    assert message == (
        f"{path}:6:5: jobs.orders.input: file not found: ../samples/ordres.xlsx (did you mean ../samples/orders.xlsx?)"
    )


def test_unknown_keys_are_errors(tmp_path: Path) -> None:
    path = batch(tmp_path, "  orders:\n    kind: validate_orders\n    input: ../samples/orders.xlsx\n    inptu: x\n")
    assert error_of(path).one_line() == f"{path}:7:5: jobs.orders.inptu: unknown key 'inptu' (did you mean input?)"


def test_an_unknown_key_is_matched_against_the_keys_of_its_own_block(tmp_path: Path) -> None:
    path = batch(
        tmp_path,
        "  orders:\n    kind: validate_orders\n    input: {path: ../samples/orders.xlsx, sheeet: 订单}\n",
        head="batch: daily\ncalender: {work_hours: ['08:30', '17:00']}\n",
    )
    assert error_of(path).one_line().splitlines() == [
        f"{path}:7:43: jobs.orders.input.sheeet: unknown key 'sheeet' (did you mean sheet?)",
        f"{path}:2:1: calender: unknown key 'calender' (did you mean calendar?)",
    ]


def test_an_unknown_key_with_nothing_close_is_only_named(tmp_path: Path) -> None:
    path = batch(tmp_path, "  orders:\n    kind: validate_orders\n    input: ../samples/orders.xlsx\n    colour: x\n")
    assert error_of(path).one_line() == f"{path}:7:5: jobs.orders.colour: unknown key 'colour'"


def test_an_unknown_job_kind_is_named(tmp_path: Path) -> None:
    path = batch(tmp_path, "  orders:\n    kind: validate_ordrs\n    input: ../samples/orders.xlsx\n")
    assert (
        error_of(path).one_line()
        == f"{path}:5:5: jobs.orders.kind: unknown job kind 'validate_ordrs' (did you mean validate_orders?)"
    )


def test_a_reference_to_no_job_names_the_job_it_may_mean(tmp_path: Path) -> None:
    path = batch(
        tmp_path,
        "  orders:\n    kind: validate_orders\n    input: ../samples/orders.xlsx\n"
        "  again:\n    kind: validate_orders\n    input: ordrs.valid\n",
    )
    assert error_of(path).one_line() == (
        f"{path}:9:5: jobs.again.input: ordrs.valid: no job named 'ordrs' (did you mean orders?) and no such file next to the config"
    )


def test_environment_variables_are_substituted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMPLES", "../samples")
    path = batch(tmp_path, "  orders:\n    kind: validate_orders\n    input: ${SAMPLES}/orders.xlsx\n")
    assert load_config(path).model.jobs["orders"].input.path.name == "orders.xlsx"


def test_a_missing_environment_variable_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_VAR", raising=False)
    path = batch(tmp_path, "  orders:\n    kind: validate_orders\n    input: ${NO_SUCH_VAR}/orders.xlsx\n")
    assert error_of(path).one_line() == f"{path}:6:5: jobs.orders.input: environment variable NO_SUCH_VAR is not set"


def test_yaml_syntax_errors_point_at_the_place(tmp_path: Path) -> None:
    path = batch(tmp_path, "  orders:\n    kind: [validate_orders\n")
    error = error_of(path)
    assert error.path == str(path) and error.line is not None
    assert "invalid YAML" in error.one_line()


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    path = batch(tmp_path, "  orders:\n    kind: validate_orders\n    input: ../samples/orders.xlsx\n    kind: x\n")
    assert error_of(path).one_line() == f"{path}:7:5: jobs.orders: duplicate key 'kind'"


def test_yaml_cannot_construct_objects(tmp_path: Path) -> None:
    path = batch(tmp_path, "  orders: !!python/object/apply:os.system ['echo hi']\n")
    assert "invalid YAML" in error_of(path).one_line()


def test_bad_values_say_what_was_expected(tmp_path: Path) -> None:
    path = batch(
        tmp_path,
        "  orders:\n    kind: validate_orders\n    input: ../samples/orders.xlsx\n",
        head="batch: daily\ntimezone: Asia/Shanghia\nlocale: fr\n",
    )
    error = error_of(path)
    lines = error.one_line().splitlines()
    assert lines == [
        f"{path}:2:1: timezone: unknown time zone 'Asia/Shanghia' (e.g. Asia/Shanghai)",
        f"{path}:3:1: locale: unknown locale 'fr' (expected zh_CN or en)",
    ]


def test_a_job_may_read_an_earlier_jobs_table(tmp_path: Path) -> None:
    path = batch(
        tmp_path,
        "  orders:\n    kind: validate_orders\n    input: ../samples/orders.xlsx\n"
        "  again:\n    kind: validate_orders\n    input: orders.valid\n",
    )
    again = load_config(path).model.jobs["again"]
    assert (again.input.job, again.input.table) == ("orders", "valid")


def test_a_reference_to_a_later_job_is_an_error(tmp_path: Path) -> None:
    path = batch(
        tmp_path,
        "  first:\n    kind: validate_orders\n    input: later.valid\n"
        "  later:\n    kind: validate_orders\n    input: ../samples/orders.xlsx\n",
    )
    assert "must come earlier in the batch" in error_of(path).one_line()


def test_the_shipped_daily_config_is_valid() -> None:
    loaded = load_config(REPO / "config" / "daily.yaml")
    assert list(loaded.model.jobs) == [
        "orders",
        "dispatch_sms",
        "overdue",
        "follow_up_sms",
        "delay_notice",
        "claim_letters",
        "daily_report",
        "daily_mail",
    ]


def test_a_job_cannot_take_the_mail_outboxs_name(tmp_path: Path) -> None:
    path = batch(tmp_path, "  outbox:\n    kind: validate_orders\n    input: ../samples/orders.xlsx\n")
    assert "`outbox` is the run folder's mail outbox" in error_of(path).one_line()


def test_the_shipped_weekly_config_is_valid() -> None:
    loaded = load_config(REPO / "config" / "weekly.yaml")
    assert list(loaded.model.jobs) == ["overdue", "care", "care_sms", "weekly_kpi", "weekly_mail"]
