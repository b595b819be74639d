"""Presets: the built-in column maps and code tables, a team's own file, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from tests.support.files import REALDATA, SHARED, write
from toolkit.errors import ConfigError
from toolkit.io import TableSource, read_table
from toolkit.tracking.presets import builtin_presets, load_preset
from toolkit.tracking.vocabulary import classify_events, unknown_statuses

REFERENCE = SHARED / "reference" / "cn_tracking_codes.json"

# Codes whose stage here is not the reference's proposal: all wait in a locker or station.
AWAITING_COLLECTION = {("kuaidi100", "501"), ("sf_opcode", "125"), ("sf_opcode", "678"), ("cainiao", "STA_INBOUND")}


def classify_codes(preset: str, codes: list[str], status: list[str | None] | None = None) -> pl.DataFrame:
    frame = pl.LazyFrame(
        {"waybill": [f"W{i}" for i in range(len(codes))], "status": status or [None] * len(codes), "code": codes}
    )
    return classify_events(frame, load_preset(preset).vocabulary()).collect()


def reference_tables() -> list[tuple[str, dict]]:
    if not REFERENCE.exists():
        pytest.skip("../shared/reference is not here")
    facts = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return [
        ("kuaidi100", facts["kuaidi100"]["state"]),
        ("kuaidi100", facts["kuaidi100"]["sub_state"]),
        ("sf_opcode", facts["sf_opcode"]["codes"]),
        ("cainiao", facts["cainiao_style"]["logisticsStatus"]),
        ("cainiao", facts["cainiao_style"]["subLogisticsStatus"]),
    ]


def test_the_built_in_presets() -> None:
    assert builtin_presets() == (
        "cainiao", "ems", "generic", "jd", "jt", "kdniao", "kuaidi100", "sf", "sf_opcode", "sto", "yto", "yunda", "zto",
    )  # fmt: skip
    for name in builtin_presets():
        preset = load_preset(name)
        assert preset.name == name and preset.rules
        assert {"waybill", "event_time", "status", "location", "description", "code"} == set(preset.event_aliases())


def test_every_code_of_the_reference_tables_is_in_its_preset() -> None:
    for preset, table in reference_tables():
        codes = list(table)
        out = classify_codes(preset, codes)
        for code, stage, reason in zip(codes, out["stage"], out["reason"], strict=True):
            want = "awaiting_collection" if (preset, code) in AWAITING_COLLECTION else table[code]["stage"]
            assert (stage, reason) == (want, table[code].get("reason")), f"{preset} {code} {table[code]}"


def test_the_names_of_the_code_tables_are_phrases_of_the_status_column() -> None:
    for preset, table in reference_tables():
        if preset == "sf_opcode":
            continue  # SF's names are templates ("快件在【XXX营业点】已装车"): the remark text is read instead
        names = [entry.get("name") or entry["label"] for entry in table.values()]
        out = classify_codes(preset, ["no such code"] * len(names), names)
        wants = [
            "awaiting_collection" if (preset, code) in AWAITING_COLLECTION else e["stage"] for code, e in table.items()
        ]
        assert out["stage"].to_list() == wants, preset


def test_cainiao_main_status_in_the_status_column() -> None:
    out = classify_codes("cainiao", [None, None, "STA_INBOUND"], ["SIGN", "TRANSPORT", "DELIVERING"])
    assert out["stage"].to_list() == ["delivered", "in_transit", "awaiting_collection"]


JD_SCAN_TYPES = {
    "100": "下单",
    "390": "快件揽收中",
    "420": "快件已揽收",
    "430": "运输中",
    "440": "派件",
    "530": "拒收",
    "690": "已取消",
    "700": "退款",
}


def test_the_jd_scan_types_are_the_reference_ones() -> None:
    if not REFERENCE.exists():
        pytest.skip("../shared/reference is not here")
    listed = json.loads(REFERENCE.read_text(encoding="utf-8"))["other_carriers"]["JD(jingdong scanType)"]
    assert {code: name for code, name in listed.items() if code != "source"} == JD_SCAN_TYPES


@pytest.mark.parametrize("by", ["code", "name"])
def test_jd_scan_types_by_code_or_by_name(by: str) -> None:
    codes, names = list(JD_SCAN_TYPES), list(JD_SCAN_TYPES.values())
    out = classify_codes("jd", codes, None) if by == "code" else classify_codes("jd", [None] * len(names), names)
    assert list(zip(out["stage"], out["reason"], strict=True)) == [
        ("created", None), ("created", None), ("picked_up", None), ("in_transit", None),
        ("out_for_delivery", None), ("exception", "refused"), ("exception", None), ("exception", None),
    ]  # fmt: skip


def test_ems_words() -> None:
    texts = ["【北京市朝阳区揽投部】已收寄,揽投员:某某", "离开【北京处理中心】,下一站【上海处理中心】", "到达【上海处理中心】",
             "【上海浦东揽投部】安排投递,投递员:某某", "投递结果反馈-未妥投", "已妥投", "【上海邮区中心】已封发"]  # fmt: skip
    out = classify_codes("ems", [None] * len(texts), texts)
    assert out["stage"].to_list() == [
        "picked_up", "in_transit", "at_hub", "out_for_delivery", "failed_attempt", "delivered", "in_transit",
    ]  # fmt: skip


def test_an_sf_route_export_reads_into_canonical_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path / "sf_routes.csv",
        "运单号码,路由时间,路由地点,路由信息,操作码\n"
        "SF1234567890123,2025-09-30 10:30:56,上海市,顺丰速运 已收取快件,54\n"
        "SF1234567890123,2025-10-08 07:58:31,佛山市,您的快件已签收，感谢您使用顺丰,80\n",
    )
    preset = load_preset("sf")
    with read_table(TableSource(path=path), preset.event_aliases(), required=["waybill", "event_time"]) as table:
        events = table.frame.collect()
    assert [c for c in events.columns if c != "_row"] == ["waybill", "event_time", "location", "description", "code"]
    out = classify_events(events.lazy(), preset.vocabulary()).collect()
    assert out["stage"].to_list() == ["picked_up", "delivered"]


def test_a_kuaidi100_export(tmp_path: Path) -> None:
    path = write(
        tmp_path / "kuaidi100.csv",
        "nu,ftime,context,areaName,status,statusCode\n"
        "YT123,2025-10-01 09:00:00,【天津转运中心公司】 已收入,天津,在途,1002\n"
        "YT123,2025-10-02 09:00:00,快件已放入菜鸟驿站,北京,投柜或驿站,501\n",
    )
    preset = load_preset("kuaidi100")
    aliases = {**preset.event_aliases(), "waybill": (*preset.event_aliases()["waybill"], "nu")}
    with read_table(TableSource(path=path), aliases) as table:
        out = classify_events(table.frame, preset.vocabulary()).collect()
    assert out["stage"].to_list() == ["in_transit", "awaiting_collection"]


def test_a_team_preset_extends_a_built_in_one(tmp_path: Path) -> None:
    path = write(
        tmp_path / "presets" / "our_sf.yaml",
        "name: our_sf\n"
        "extends: sf\n"
        "columns:\n"
        "  events:\n"
        "    status: [节点状态]\n"
        "    description: [路由地点]   # our export writes the text under this header\n"
        "rules:\n"
        "  - {stage: awaiting_collection, keywords: [菜鸟柜]}\n"
        "  - {stage: exception, reason: delay, codes: [80]}   # overrides SF's 80 = delivered\n",
    )
    preset = load_preset(path)
    assert preset.name == "our_sf"
    aliases = preset.event_aliases()
    assert (
        aliases["status"][:3] == ("status", "状态", "Status")
        and "节点状态" in aliases["status"]
        and "路由节点" in aliases["status"]
    )
    assert "路由地点" in aliases["description"] and "路由地点" not in aliases["location"]
    out = classify_codes(path, ["80", "54", None], [None, None, "已放入菜鸟柜，请签收"])
    assert list(zip(out["stage"], out["reason"], strict=True)) == [
        ("exception", "delay"),
        ("picked_up", None),
        ("awaiting_collection", None),
    ]


def test_a_preset_can_extend_a_file_beside_it(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", "name: base\nextends: generic\nrules:\n  - {stage: delivered, phrases: [OK]}\n")
    path = write(
        tmp_path / "branch.yaml", "name: branch\nextends: base.yaml\nrules:\n  - {stage: exception, phrases: [BAD]}\n"
    )
    out = classify_codes(path, [None, None, None], ["OK", "BAD", "已签收"])
    assert out["stage"].to_list() == ["delivered", "exception", "delivered"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: x\nrules:\n  - stage: delivered\n    keywords: [签收]\n  - stage: shiped\n    keywords: [x]\n",
            "preset.yaml:5:5: rules[1].stage: Input should be 'created', 'picked_up'",
        ),
        (
            "name: x\ncolumns:\n  events:\n    tracking: [单号]\n",
            "preset.yaml:4:5: columns.events.tracking: Input should be 'waybill', 'event_time', 'status'",
        ),
        (
            "name: x\ncolumns:\n  events:\n    waybill: [单号]\n    code: [单号]\n",
            "preset.yaml:3:3: columns.events: header '单号' is given for both 'waybill' and 'code'",
        ),
        ("name: x\nextends: sff\n", "preset.yaml:2:1: extends: unknown preset 'sff' (built-in: cainiao, ems, generic"),
        ("name: x\nextends: preset.yaml\n", "preset.yaml:2:1: extends: preset 'preset.yaml' extends itself"),
        ("name: x\nextends: missing.yaml\n", "preset.yaml:2:1: extends: preset file"),
        (
            "name: x\nrules:\n  - {stage: delivered, regex: '签收('}\n",
            "preset.yaml:3:24: rules[0].regex: invalid regular expression '签收(': unclosed group",
        ),
        (
            "name: x\nrules: [\n",
            "preset.yaml:2:8: invalid YAML: while parsing a flow node inside the '[' that opens here",
        ),
        ("rules: []\n", "preset.yaml:1:1: name: required key is missing"),
        ("name: x\ncolour: red\n", "preset.yaml:2:1: colour: unknown key 'colour'"),
    ],
)
def test_a_broken_preset_is_one_line_with_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "preset.yaml", text)
    with pytest.raises(ConfigError) as caught:
        load_preset(tmp_path / "preset.yaml")
    assert caught.value.one_line().startswith(message)


def test_an_unknown_built_in_name() -> None:
    with pytest.raises(
        ConfigError,
        match="unknown preset 'ups' .built-in: cainiao, ems, generic, jd, jt, kdniao, kuaidi100, sf, sf_opcode, sto, "
        "yto, yunda, zto",
    ):
        load_preset("ups")


def test_olist_statuses_with_a_team_column_map(tmp_path: Path) -> None:
    """The real Olist export: its order statuses read with the generic words, none unknown."""
    source = REALDATA / "olist" / "olist_orders_sample.csv"
    if not source.exists():
        pytest.skip("../shared/realdata is not here")
    path = write(
        tmp_path / "olist.yaml",
        "name: olist\nextends: generic\ncolumns:\n  events:\n    waybill: [order_id]\n    status: [order_status]\n    event_time: [order_purchase_timestamp]\n",
    )
    preset = load_preset(path)
    with read_table(TableSource(path=source), preset.event_aliases(), required=["waybill", "status"]) as table:
        classified = classify_events(table.frame, preset.vocabulary()).collect()
    assert unknown_statuses(classified).height == 0
    stages = {status: sorted(set(found)) for status, found in classified.group_by("status").agg("stage").iter_rows()}
    want = {
        "approved": ["created"], "canceled": ["cancelled"], "created": ["created"], "delivered": ["delivered"],
        "invoiced": ["created"], "processing": ["created"], "shipped": ["in_transit"], "unavailable": ["closed"],
    }  # fmt: skip
    assert {"delivered", "shipped", "canceled"} <= set(stages)
    assert stages == {status: want[status] for status in stages}
