"""The SMS platforms' rules (toolkit/messages/compliance.py): each rule on frames or in a real
batch, the daily cap across two runs through the state folder, the held list on the page, and
the shipped templates passing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from toolkit.errors import ExitCode
from toolkit.labels import RULE_TITLES
from toolkit.messages.compliance import (
    RULES,
    PlatformRules,
    Policy,
    SendingHours,
    hours_held,
    reserve_daily,
    send_times,
    text_findings,
)
from toolkit.messages.outbox_history import HISTORY_FILE, read_history
from toolkit.pipeline import run_batch
from toolkit.pipeline.record import BatchRun
from toolkit.registry import load_config

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
EVENING = datetime(2026, 11, 23, 21, 30, tzinfo=SHANGHAI)
MARKETING = Policy(type="marketing", signature="顺达物流", template_id="SMS_1")
NOTIFICATION = Policy(type="notification", signature="顺达物流", template_id="SMS_1")


def _messages(*contents: str, **variables: list[str]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "_row": list(range(2, 2 + len(contents))),
            "serial": [f"s{i}" for i in range(len(contents))],
            "content": contents,
        }
    )
    return frame.with_columns(pl.Series(f"var:{name}", values) for name, values in variables.items())


def _rules(found: pl.DataFrame) -> list[tuple[int, str]]:
    return list(found.select("row", "rule").iter_rows())


def test_a_marketing_message_must_end_with_the_opt_out_and_a_notification_must_not_carry_it() -> None:
    messages = _messages(
        "双十一运费8折，详询客服。拒收请回复R", "双十一运费8折，详询客服。", "您的快件已签收。拒收请回复R"
    )
    assert _rules(text_findings(messages, [MARKETING], "zh_CN")) == [(3, "unsubscribe_missing")]
    found = text_findings(messages, [NOTIFICATION], "zh_CN")
    assert _rules(found) == [(2, "unsubscribe_in_notification"), (4, "unsubscribe_in_notification")]
    assert (
        found["message"][0]
        == "通知短信不能含退订语「拒收请回复R」。处理：删去退订语；如确为营销内容，将 sms.type 设为 marketing"
    )
    english = text_findings(messages, [MARKETING], "en")["message"][0]
    assert english == "a marketing message must end with “拒收请回复R”. Fix: end the template with “拒收请回复R”"


def test_the_opt_out_text_is_the_platform_s_own() -> None:
    tencent = Policy(
        type="marketing", signature="顺达物流", rules=PlatformRules(unsubscribe="回T退订"), platform="tencent"
    )
    messages = _messages("双十一运费8折。回T退订", "双十一运费8折。拒收请回复R")
    assert _rules(text_findings(messages, [tencent], "zh_CN")) == [(3, "unsubscribe_missing")]
    # two platforms with different texts: a message cannot end with both, each says so once
    assert _rules(text_findings(messages, [tencent, MARKETING], "zh_CN")) == [
        (2, "unsubscribe_missing"),
        (3, "unsubscribe_missing"),
    ]


def test_marketing_templates_carry_no_variables_where_the_platform_forbids_them() -> None:
    messages = _messages("王先生，双十一运费8折。拒收请回复R")
    with_variables = Policy(type="marketing", signature="顺达物流", variables=("name",), platform="aliyun")
    found = text_findings(messages, [with_variables], "zh_CN")
    assert _rules(found) == [(2, "marketing_variables")] and found["value"][0] == "name"
    allowed = Policy(
        type="marketing", signature="顺达物流", variables=("name",), rules=PlatformRules(marketing_variables=True)
    )
    assert text_findings(messages, [allowed], "zh_CN").is_empty()
    notification = Policy(type="notification", signature="顺达物流", variables=("name",))
    assert text_findings(_messages("王先生，您的快件已签收。"), [notification], "zh_CN").is_empty()


def test_brackets_in_the_body_and_the_signature_length() -> None:
    messages = _messages("【顺达物流】您的快件已签收。", "您的快件已签收。")
    assert _rules(text_findings(messages, [NOTIFICATION], "zh_CN")) == [(2, "bracket_in_body")]
    nine = Policy(signature="顺达物流华东分拨中心")  # 10 characters: allowed, outside the 2025 rule's 3–8
    found = text_findings(messages.tail(1), [nine], "zh_CN")
    assert _rules(found) == [(3, "signature_advised_length")] and found["severity"][0] == "warning"
    thirteen = Policy(signature="顺达物流华东分拨中心义乌站")
    found = text_findings(messages.tail(1), [thirteen], "zh_CN")
    assert _rules(found) == [(3, "signature_length")] and found["severity"][0] == "error"
    assert text_findings(messages.tail(1), [Policy(signature="顺达")], "zh_CN")["rule"].to_list() == [
        "signature_advised_length"
    ]


def test_links_and_phone_numbers_in_variables_where_the_platform_forbids_them() -> None:
    messages = _messages(
        "a",
        "b",
        "c",
        "d",
        goods=["详见 https://t.cn/A6x", "手机13812345678", "138****5678", "0571-87654321"],
    )
    strict = Policy(variables=("goods",), rules=PlatformRules(phones_in_variables=False), platform="aliyun")
    found = text_findings(messages, [strict], "zh_CN")
    assert _rules(found) == [(2, "link_in_variable"), (3, "phone_in_variable"), (5, "phone_in_variable")]
    assert found["column"].to_list() == ["goods"] * 3 and found["value"][0] == "详见 https://t.cn/A6x"
    assert found["message"][0].startswith("aliyun不允许变量中含链接")
    default = Policy(variables=("goods",))  # links refused, phones allowed (a typed variable)
    assert _rules(text_findings(messages, [default], "zh_CN")) == [(2, "link_in_variable")]


def _lines(send_at: list[datetime], phones: list[str] | None = None, texts: list[str] | None = None) -> pl.DataFrame:
    """Outbox lines; their texts `[serial]` and `texts` (by default each its own)."""
    n = len(send_at)
    serials = [f"s{i}" for i in range(n)]
    return pl.DataFrame(
        {
            "_line": pl.Series(range(n), dtype=pl.UInt32),
            "_row": list(range(2, 2 + n)),
            "serial": serials,
            "phone": phones or ["13812345678"] * n,
            "send_at": pl.Series(send_at).dt.convert_time_zone("Asia/Shanghai"),
            "content": [
                f"[{s}]{t}" for s, t in zip(serials, texts or [f"快件{i}已签收" for i in range(n)], strict=True)
            ],
        }
    )


def test_marketing_is_held_outside_the_sending_hours_in_the_batch_s_zone() -> None:
    lines = _lines([MORNING.replace(hour=7, minute=59), MORNING, MORNING.replace(hour=20), EVENING])
    held = hours_held(lines, MARKETING, "zh_CN")
    assert held["_line"].to_list() == [0, 2, 3] and set(held["rule"]) == {"outside_sending_hours"}
    assert held["message"][0].startswith("营销短信只能在08:00–20:00发送，发送时间为2026-11-23 07:59")
    assert hours_held(lines, NOTIFICATION, "zh_CN").is_empty()
    late = Policy(type="marketing", sending_hours=SendingHours.model_validate({"start": "09:00", "end": "22:00"}))
    assert hours_held(lines, late, "zh_CN")["_line"].to_list() == [0]


def test_a_send_at_column_gives_each_row_its_time_else_the_run_s_as_of() -> None:
    frame = pl.DataFrame({"send_at": ["2026-11-23 21:00", None, "not a time"]})
    times = send_times(frame, MORNING, "Asia/Shanghai").dt.strftime("%H:%M").to_list()
    assert times == ["21:00", "10:00", "10:00"]
    assert send_times(pl.DataFrame({"x": [1, 2]}), EVENING, "Asia/Shanghai").dt.hour().to_list() == [21, 21]


def test_the_daily_cap_counts_the_day_s_earlier_runs_from_the_state_folder(tmp_path: Path) -> None:
    capped = Policy(signature="顺达物流", template_id="SMS_1", daily_cap=3)
    first = reserve_daily(tmp_path, _lines([MORNING] * 2), capped, "zh_CN", job="daily/notice_sms")
    assert first.held.is_empty()
    later = ["快件A已签收", "快件B已签收", "快件C已签收", "快件D已签收"]  # a later run's messages, not the first's
    second = _lines([MORNING] * 4, phones=["13812345678"] * 3 + ["13900000000"], texts=later)
    held = reserve_daily(tmp_path, second, capped, "zh_CN", job="daily/notice_sms").held
    assert held["_line"].to_list() == [1, 2] and set(held["rule"]) == {"daily_cap"}
    assert held["message"][0].startswith("该号码今日已达3条上限")
    counts = read_history(tmp_path).sent(MORNING.date())
    assert sorted(counts.values()) == [1, 3]  # the held lines are not counted
    tomorrow = reserve_daily(tmp_path, _lines([MORNING.replace(day=24)]), capped, "zh_CN", job="daily/notice_sms")
    assert tomorrow.held.is_empty()


def test_every_rule_has_a_title_and_a_fix_in_both_languages() -> None:
    for rule in RULES.values():
        assert rule.id in RULE_TITLES
        assert rule.message.zh and rule.message.en and rule.fix.zh and rule.fix.en


# --- a real batch -------------------------------------------------------------------------------


def _campaign(folder: Path, *, phones: list[str], send_at: list[str] | None = None, cap: int = 3) -> Path:
    """A marketing batch: one render_messages job over a csv of customers."""
    (folder / "templates").mkdir(exist_ok=True)
    (folder / "templates" / "promo.txt.j2").write_text(
        "[{{ serial }}]双十一寄件运费8折，详询客服。拒收请回复R", "utf-8"
    )
    rows = pl.DataFrame({"customer_name": [f"客户{i}" for i in range(len(phones))], "customer_phone": phones})
    if send_at is not None:
        rows = rows.with_columns(send_at=pl.Series(send_at))
    rows.write_csv(folder / "customers.csv")
    config = folder / "promo.yaml"
    config.write_text(
        f"""batch: promo
timezone: Asia/Shanghai
locale: zh_CN
output: out
state: data
jobs:
  promo_sms:
    kind: render_messages
    input: customers.csv
    template: templates/promo.txt.j2
    recipients:
      - {{role: 客户, name: customer_name, phone: customer_phone}}
    sms: {{type: marketing, signature: 【顺达物流】, daily_cap: {cap}}}
""",
        encoding="utf-8",
    )
    return config


def _run(config: Path, as_of: datetime) -> BatchRun:
    run = run_batch(load_config(config), run_date=as_of.date(), as_of=as_of)
    assert run.exit_code == ExitCode.DONE, run.jobs
    return run


def _identity(counts: dict[str, int]) -> None:
    selected = counts["rows_in"] - counts["not_selected"] - counts.get("blank_rows_skipped", 0)
    assert selected == counts["rendered"] + counts["refused"] + counts["held"]


def test_the_cap_holds_across_two_runs_of_the_same_day_and_the_page_lists_what_was_held(tmp_path: Path) -> None:
    phones = ["13812345678", "13812345678", "13900000001"]
    config = _campaign(tmp_path, phones=phones)
    first = _run(config, MORNING)
    job = first.jobs["promo_sms"]
    assert job.counts["outbox"] == 3 and job.counts["held"] == 0
    _identity(job.counts)
    assert (tmp_path / "data" / HISTORY_FILE).exists()

    template = tmp_path / "templates" / "promo.txt.j2"  # the afternoon's campaign: other messages
    template.write_text("[{{ serial }}]双十二寄件运费9折，详询客服。拒收请回复R", "utf-8")
    second = _run(config, MORNING.replace(hour=15))  # the same day: 13812345678 has had 2 of its 3
    job = second.jobs["promo_sms"]
    assert (job.counts["rendered"], job.counts["held"], job.counts["outbox"]) == (2, 1, 2)
    _identity(job.counts)
    folder = second.run_dir / "promo_sms"
    outbox = pl.read_csv(folder / "outbox.csv", infer_schema=False)
    assert outbox["手机号"].to_list() == ["13812345678", "13900000001"]
    held = pl.read_parquet(folder / "held.parquet")
    assert held.select("phone", "rule", "source_row").rows() == [("13812345678", "daily_cap", 3)]
    findings = pl.read_parquet(folder / "findings.parquet")
    assert findings["rule"].to_list() == ["daily_cap"]
    page = (folder / "preview.html").read_text(encoding="utf-8")
    assert "暂缓发送：1 条" in page and "号码当日超限" in page and "138****5678" in page
    held_list = page.split('id="held"')[1].split("<h2")[0]
    assert "138****5678" in held_list and "13812345678" not in held_list  # the held list masks the number


def test_marketing_after_the_sending_hours_is_held_unless_its_send_at_is_within(tmp_path: Path) -> None:
    config = _campaign(
        tmp_path,
        phones=["13812345678", "13900000001", "13900000002"],
        send_at=["", "2026-11-24 10:00", "2026-11-24 06:00"],
    )
    run = _run(config, EVENING)
    job = run.jobs["promo_sms"]
    assert (job.counts["rendered"], job.counts["held"]) == (1, 2)
    _identity(job.counts)
    held = pl.read_parquet(run.run_dir / "promo_sms" / "held.parquet")
    assert held["phone"].to_list() == ["13812345678", "13900000002"]
    assert set(held["rule"]) == {"outside_sending_hours"}
    page = (run.run_dir / "promo_sms" / "preview.html").read_text(encoding="utf-8")
    assert "暂缓发送：2 条" in page and "不在发送时段" in page and "2026-11-23 21:30" in page


def test_a_marketing_template_without_the_opt_out_is_refused_in_the_batch(tmp_path: Path) -> None:
    config = _campaign(tmp_path, phones=["13812345678"])
    template = tmp_path / "templates" / "promo.txt.j2"
    template.write_text("[{{ serial }}]【双十一】寄件运费8折", "utf-8")
    job = _run(config, MORNING).jobs["promo_sms"]
    assert (job.counts["refused"], job.counts["outbox"]) == (1, 0)
    _identity(job.counts)


SHIPPED = [
    ("daily.yaml", datetime(2026, 11, 22, 9, 0, tzinfo=SHANGHAI), None),
    ("weekly.yaml", datetime(2026, 11, 22, 9, 0, tzinfo=SHANGHAI), ["care", "care_sms"]),
    ("tickets.yaml", datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), None),
]


@pytest.mark.parametrize(("config", "as_of", "only"), SHIPPED, ids=[c for c, _, _ in SHIPPED])
def test_the_shipped_sms_jobs_pass_the_platforms_rules(
    team_folder: Path, config: str, as_of: datetime, only: list[str] | None
) -> None:
    loaded = load_config(team_folder / "config" / config)
    sms_jobs = [name for name, job in loaded.model.jobs.items() if job.kind == "render_messages"]
    if config == "daily.yaml":
        only = ["orders", "overdue", *sms_jobs]
    sms_jobs = [name for name in sms_jobs if name in (only or sms_jobs)]
    run = run_batch(loaded, run_date=as_of.date(), as_of=as_of, only=only)
    assert run.exit_code == ExitCode.DONE, run.jobs
    for name in sms_jobs:
        findings = pl.read_parquet(run.run_dir / name / "findings.parquet")
        assert not set(findings["rule"]) & set(RULES), (name, findings)
        assert run.jobs[name].counts["held"] == 0
        _identity(run.jobs[name].counts)
