"""Benchmark data for the overdue job: shipments and their tracking events, as CSV and Parquet.

    python bench/overdue_data.py                                  # 2,000,000 shipments, 10,000,000 events
    python bench/overdue_data.py --shipments 20000 --events 100000 --seed 3

Writes bench/data/overdue_<shipments>_<events>_seed<seed>/{shipments,events}.{csv,parquet}
(skipped when they are there already; `--force` rewrites them). Other benchmarks call
`ensure(shipments, events, seed)` and get the paths.

Every array is drawn at once with numpy and the texts are put together by polars: no Python
loop per shipment or event. The same seed gives the same files.

What is in the events (headers are the canonical names, so every contender reads them the same):

- a lifecycle per shipment: picked up (some first "created"), in transit and at hubs, out for
  delivery, then delivered, left in a locker or station, a failed attempt, an exception
  (delay, lost, damaged, address problem, refused) or returned; about one in five is still on
  its way (its last event is a transit scan) and some have no events at all;
- status texts as SF, ZTO, YTO, 百世, 极兔, JD and EMS write them (`TEMPLATES`), with hub,
  station, courier and phone filled in; every template is checked against the generic preset at
  start-up, so the texts are ones the shipped vocabulary reads, not the generator's private words;
- disorder: about 3% of events are moved inside their waybill, 1% are exact duplicates,
  0.3% are late scans timed after the delivery, and about 0.05% carry statuses no rule knows.

Times are Asia/Shanghai wall-clock times without a zone (as exports write them); every event is
before `AS_OF`, the "now" a benchmark should pass as --as-of.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import polars as pl

from bench._measure import Stopwatch, machine, measure
from toolkit.samples.vocab import GIVEN_NAMES, SERVED_CITIES, SURNAMES

AS_OF = datetime(2025, 10, 29, 9, 0)
FIRST_ORDER = datetime(2025, 9, 1, 0, 0)
LAST_ORDER = datetime(2025, 10, 20, 23, 59)  # spans the National Day holiday (10-01..10-08)
MAX_DAYS = 8  # no shipment's events last longer: all are before AS_OF

CARRIERS: tuple[tuple[str, str], ...] = (
    ("顺丰", "SF"),
    ("京东物流", "JD"),
    ("邮政EMS", "E"),
    ("中通", "ZT"),
    ("圆通", "YT"),
    ("极兔", "JT"),
)
SERVICES: tuple[str, ...] = ("标快", "特快", "保价", "到付", "预约派送")
HUB_KINDS: tuple[str, ...] = ("转运中心", "中转场", "分拨中心", "集散中心", "处理中心")
STATIONS: tuple[str, ...] = ("丰巢智能快递柜", "菜鸟驿站", "兔喜生活超市", "妈妈驿站", "代收点")

# stage → status texts. {hub} {next} {station} {courier} {phone} {city} are filled per event.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "created": ("已下单", "您的订单已下单，等待揽收", "待揽收"),
    "picked_up": (
        "顺丰速运 已收取快件",
        "【{hub}】（021-****0107） 的 {courier}（{phone}） 已揽收",
        "【{city}市揽投部】已收寄,揽投员:{courier}",
        "快件揽收",
        "【{hub}】收件入库",
    ),
    "in_transit": (
        "快件在【{hub}】完成分拣，准备发往 【{next}】",
        "快件离开 【{hub}】，已在发往  【{next}】 的路上",
        "【{hub}】，正发往【{next}】",
        "快件运输中",
        "发件扫描",
    ),
    "at_hub": ("快件到达 【{hub}】", "快件已经到达 【{hub}】", "【{hub}】 已收入", "到【{hub}】", "到件扫描"),
    "out_for_delivery": (
        "快件交给{courier}，正在派送途中（联系电话：{phone}，顺丰已开启“安全呼叫”保护您的电话隐私,请放心接听！）",
        "【{hub}】 的{courier}（{phone}） 正在第1次派件, 请保持电话畅通,并耐心等待",
        "【{city}市{hub}】 派件中 派件人: {courier} 电话 {phone}",
        "【{city}市揽投部】安排投递,投递员:{courier}",
    ),
    "awaiting_collection": (
        "快件已被【{station}】代收，如有问题请电联（{phone}），感谢使用中通快递，期待再次为您服务！",
        "[{city}市]快件派送至【{station}】,请您凭取件码至{station}领取您的快递.",
        "您的快件已存放至【{station}】，请及时取件",
    ),
    "failed_attempt": (
        "快件派送不成功(因电话无人接听/关机/无信号，暂无法联系到收方客户),正在处理中,待再次派送",
        "投递结果反馈-未妥投",
        "派件异常，收件人不在，已与客户预约再次派送",
    ),
    "delivered": (
        "您的快件已签收，如有疑问请电联快递员【{courier}，电话：{phone}】，感谢您使用顺丰，期待再次为您服务。",
        "您的快递已签收, 签收人在【{station}】领取。您的快递已经妥投。",
        "已妥投",
        "快件签收",
    ),
    "returned": ("快件已退回寄件人", "快件到达【退货部】,上一站是【{hub}】", "退件"),
}
EXCEPTIONS: dict[str, tuple[str, ...]] = {
    "delay": ("快件在【{hub}】滞留，预计延误1-2天", "因天气原因，快件延误"),
    "lost": ("快件遗失，客服将联系您处理",),
    "damaged": ("货物破损",),
    "address_problem": ("收件地址错误，派送不成功，请联系客服更正",),
    "refused": ("客户拒收", "收件人拒收，待发货方确认"),
}
UNKNOWN: tuple[str, ...] = ("物流信息同步中", "【系统】路由节点{phone}同步", "订单信息已推送至仓储系统")

# scenario → (share of shipments, final stage, reason); "moving" ends on a transit scan.
SCENARIOS: tuple[tuple[str, float, str | None, str | None], ...] = (
    ("delivered", 0.62, "delivered", None),
    ("moving", 0.20, None, None),
    ("locker", 0.07, "awaiting_collection", None),
    ("failed", 0.03, "failed_attempt", None),
    ("returned", 0.02, "returned", None),
    *((f"exception_{r}", 0.012, "exception", r) for r in EXCEPTIONS),
)


@dataclass(frozen=True)
class Paths:
    folder: Path
    shipments_csv: Path
    shipments_parquet: Path
    events_csv: Path
    events_parquet: Path


def paths(shipments: int, events: int, seed: int, root: Path = BENCH / "data") -> Paths:
    folder = root / f"overdue_{shipments}_{events}_seed{seed}"
    return Paths(
        folder, folder / "shipments.csv", folder / "shipments.parquet", folder / "events.csv", folder / "events.parquet"
    )


def ensure(shipments: int = 2_000_000, events: int = 10_000_000, seed: int = 1, force: bool = False) -> Paths:
    """The data files for these sizes, generated the first time (or again with `force`)."""
    where = paths(shipments, events, seed)
    files = (where.shipments_csv, where.shipments_parquet, where.events_csv, where.events_parquet)
    if force or not all(p.exists() for p in files):
        ships, evts = generate(shipments, events, seed)
        write(ships, evts, where)
    return where


CHUNK_EVENTS = 10_000_000
"""Past this many events, `ensure_parquet` makes the data in pieces of this size (each its own
seed, waybills numbered on), so that 100,000,000 events need the memory of 10,000,000."""


def ensure_parquet(shipments: int, events: int, seed: int = 1) -> Paths:
    """Parquet files only (no CSV), in pieces past CHUNK_EVENTS: for the sizes of
    bench/overdue_scale.py (100,000,000 events as CSV would be 10 GB)."""
    where = paths(shipments, events, seed)
    if where.shipments_parquet.exists() and where.events_parquet.exists():
        return where
    if events <= CHUNK_EVENTS:
        ships, evts = generate(shipments, events, seed)
        where.folder.mkdir(parents=True, exist_ok=True)
        ships.write_parquet(where.shipments_parquet)
        evts.write_parquet(where.events_parquet)
        return where
    pieces = -(-events // CHUNK_EVENTS)
    parts = where.folder / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    for k in range(pieces):
        n_ships, n_events = shipments // pieces, events // pieces
        if not (parts / f"events-{k:03d}.parquet").exists():
            ships, evts = generate(n_ships, n_events, seed * 1000 + k)
            offset = k * n_ships  # waybill and order numbers go on from the piece before
            renumber = {
                "waybill": pl.col("waybill").str.extract(r"^(\D+)")
                + (pl.col("waybill").str.extract(r"(\d+)$").cast(pl.Int64) + offset).cast(pl.String)
            }
            ships.with_columns(
                **renumber,
                order_id=(pl.col("order_id").cast(pl.Int64) + offset).cast(pl.String).str.pad_start(10, "0"),
            ).write_parquet(parts / f"shipments-{k:03d}.parquet")
            evts.with_columns(**renumber).write_parquet(parts / f"events-{k:03d}.parquet")
            del ships, evts
    for name, target in (("shipments", where.shipments_parquet), ("events", where.events_parquet)):
        files = [parts / f"{name}-{k:03d}.parquet" for k in range(pieces)]
        pl.concat([pl.scan_parquet(f) for f in files]).sink_parquet(target.with_suffix(".parquet.tmp"))
        target.with_suffix(".parquet.tmp").replace(target)
    for f in parts.iterdir():
        f.unlink()
    parts.rmdir()
    return where


# --- generation ------------------------------------------------------------------------------


def _pick(rng: np.random.Generator, values: tuple[str, ...] | list[str], n: int) -> pl.Series:
    return pl.Series(values, dtype=pl.String).gather(rng.integers(0, len(values), n))


def _times(start: datetime, seconds: np.ndarray) -> pl.Series:
    base = np.datetime64(start, "us")
    return pl.Series(base + (seconds * 1_000_000).astype("timedelta64[us]"))


def generate_shipments(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng([seed, 1])
    carrier = rng.integers(0, len(CARRIERS), n)
    prefixes = pl.Series([p for _, p in CARRIERS]).gather(carrier)
    span = int((LAST_ORDER - FIRST_ORDER).total_seconds())
    order_seconds = np.sort(rng.integers(0, span, n))  # exports list shipments by order time
    cities = [c.name for c in SERVED_CITIES]
    phone = pl.Series(rng.integers(13_000_000_000, 19_999_999_999, n, dtype=np.int64)).cast(pl.String)
    promised_days = rng.integers(2, 5, n).astype("timedelta64[D]")
    order_time = _times(FIRST_ORDER, order_seconds)
    frame = pl.DataFrame(
        {
            "waybill": prefixes + pl.Series(np.arange(n, dtype=np.int64) + 1_460_000_000_000).cast(pl.String),
            "order_id": pl.Series(np.arange(n, dtype=np.int64) + 88_000_000).cast(pl.String).str.pad_start(10, "0"),
            "order_time": order_time,
            "carrier": pl.Series([c for c, _ in CARRIERS]).gather(carrier),
            "service": _pick(rng, SERVICES, n),
            "origin": _pick(rng, cities, n),
            "destination": _pick(rng, cities, n),
            "urgent": pl.Series(np.where(rng.random(n) < 0.03, "是", "")),
            "declared_value": pl.Series(np.where(rng.random(n) < 0.15, rng.integers(5, 400, n) * 50, 0)),
            "customer_name": _pick(rng, SURNAMES, n) + _pick(rng, GIVEN_NAMES, n),
            "customer_phone": phone,
            "branch": _pick(rng, [f"{c}{d}网点" for c in cities[:12] for d in ("一部", "二部")], n),
            "promised_at": pl.Series(
                np.datetime64(FIRST_ORDER, "D") + (order_seconds // 86_400).astype("timedelta64[D]") + promised_days
            ),
        }
    )
    has_promise = pl.Series(rng.random(n) < 0.4)  # only some carriers' exports carry it
    return frame.with_columns(
        declared_value=pl.when(pl.col("declared_value") > 0).then(pl.col("declared_value")),
        promised_at=pl.when(has_promise).then(pl.col("promised_at").cast(pl.String)),
    )


def _lengths(rng: np.random.Generator, shipments: int, events: int) -> np.ndarray:
    """Events per shipment: 0 for about 1%, else 1..11, summing to exactly `events`."""
    mean = events / shipments
    lengths = np.clip(rng.poisson(mean, shipments), 1, 11)
    lengths[rng.random(shipments) < 0.01] = 0
    diff = events - int(lengths.sum())
    while diff:
        room = np.flatnonzero((lengths < 11) & (lengths > 0)) if diff > 0 else np.flatnonzero(lengths > 1)
        take = rng.choice(room, size=min(abs(diff), room.size), replace=False)
        lengths[take] += 1 if diff > 0 else -1
        diff = events - int(lengths.sum())
    return lengths


def generate_events(ships: pl.DataFrame, events: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng([seed, 2])
    n_ship = ships.height
    duplicates = events // 100
    base = events - duplicates
    lengths = _lengths(rng, n_ship, base)
    owner = np.repeat(np.arange(n_ship), lengths)
    starts = np.cumsum(lengths) - lengths
    position = np.arange(base) - starts[owner]
    last = position == lengths[owner] - 1

    # scenario per shipment → stage code per event
    shares = np.array([s for _, s, _, _ in SCENARIOS])
    scenario = rng.choice(len(SCENARIOS), size=n_ship, p=shares / shares.sum())
    finals = [f for _, _, f, _ in SCENARIOS]
    reasons = [r for _, _, _, r in SCENARIOS]
    stage_names = list(TEMPLATES) + ["exception"]
    stage_index = {s: i for i, s in enumerate(stage_names)}
    final_code = np.array([stage_index[f] if f else -1 for f in finals])[scenario][owner]
    has_final = (final_code >= 0) & (lengths[owner] >= 3)
    middle = np.where(position % 2 == 1, stage_index["in_transit"], stage_index["at_hub"])
    first = np.where(rng.random(n_ship) < 0.1, stage_index["created"], stage_index["picked_up"])[owner]
    stage = np.where(position == 0, first, middle)
    stage = np.where((position == 1) & (first == stage_index["created"]), stage_index["picked_up"], stage)
    before_last = position == lengths[owner] - 2
    needs_courier = np.isin(
        final_code, [stage_index[s] for s in ("delivered", "awaiting_collection", "failed_attempt")]
    )
    stage = np.where(has_final & before_last & needs_courier, stage_index["out_for_delivery"], stage)
    stage = np.where(has_final & last, final_code, stage)

    # the text: one of the stage's templates (an exception's by its reason); a few unknown ones
    texts: list[str] = []
    first_template, templates = [], []
    for group in [*TEMPLATES.values(), *EXCEPTIONS.values()]:
        first_template.append(len(texts))
        templates.append(len(group))
        texts.extend(group)
    reason_code = np.array([list(EXCEPTIONS).index(r) if r else 0 for r in reasons])[scenario][owner]
    group = np.where(stage == stage_index["exception"], len(TEMPLATES) + reason_code, stage)
    template = np.array(first_template)[group] + rng.integers(0, 1 << 20, base) % np.array(templates)[group]
    unknown = rng.random(base) < 0.0005
    template = np.where(unknown, len(texts) + rng.integers(0, len(UNKNOWN), base), template)
    texts.extend(UNKNOWN)

    # times: order time + pickup delay + gaps, all within MAX_DAYS; a few late scans after delivery
    order_seconds = (ships["order_time"] - FIRST_ORDER).dt.total_seconds().to_numpy().astype(np.int64)
    gaps = np.where(position == 0, rng.integers(600, 8 * 3600, base), rng.integers(1800, 14 * 3600, base))
    running = np.cumsum(gaps)
    offset = np.minimum(running - (running - gaps)[starts[owner]], MAX_DAYS * 86_400 - 7200)
    last_offset = offset[starts[owner] + lengths[owner] - 1]
    late_scan = ~last & has_final & (final_code == stage_index["delivered"]) & (rng.random(base) < 0.003)
    offset = np.where(late_scan, np.minimum(last_offset + rng.integers(600, 7200, base), MAX_DAYS * 86_400), offset)
    seconds = order_seconds[owner] + offset

    # placeholders as indices into small word lists; strings are only made at the end
    cities = [c.name for c in SERVED_CITIES]
    city_of = {
        side: ships[side].replace_strict(cities, list(range(len(cities))), return_dtype=pl.Int32).to_numpy()
        for side in ("origin", "destination")
    }
    fields = {
        "city": np.where(position < lengths[owner] // 2, city_of["origin"][owner], city_of["destination"][owner]),
        "hub_kind": rng.integers(0, len(HUB_KINDS), base),
        "next_city": rng.integers(0, len(cities), base),
        "next_kind": rng.integers(0, len(HUB_KINDS), base),
        "station": rng.integers(0, len(STATIONS), base),
        "courier": rng.integers(0, len(SURNAMES), base),
        "phone_head": rng.integers(130, 200, base),
        "phone_tail": rng.integers(1000, 10_000, base),
    }

    # file order: by waybill, 3% of events moved inside their waybill, 1% duplicated next to the original
    key = (owner.astype(np.int64) * 16 + np.where(rng.random(base) < 0.03, rng.integers(0, 12, base), position)) * 2
    dup = rng.choice(base, size=duplicates, replace=False)
    source = np.concatenate([np.arange(base), dup])
    rows = source[np.argsort(np.concatenate([key, key[dup] + 1]), kind="stable")]

    return pl.DataFrame(
        {
            "waybill": ships["waybill"].gather(owner[rows]),
            "event_time": _times(FIRST_ORDER, seconds[rows]),
            "status": _fill(texts, template[rows], {name: values[rows] for name, values in fields.items()}),
            "location": pl.Series(cities).gather(fields["city"][rows]),
        }
    )


def _fill(texts: list[str], template: np.ndarray, fields: dict[str, np.ndarray]) -> pl.Series:
    """The status of every row: its template with the placeholders filled, one template at a time."""
    cities = pl.Series([c.name for c in SERVED_CITIES])
    words = {
        "city": lambda f: cities.gather(f["city"]),
        "hub": lambda f: cities.gather(f["city"]) + pl.Series(HUB_KINDS).gather(f["hub_kind"]),
        "next": lambda f: cities.gather(f["next_city"]) + pl.Series(HUB_KINDS).gather(f["next_kind"]),
        "station": lambda f: pl.Series(STATIONS).gather(f["station"]),
        "courier": lambda f: pl.Series(SURNAMES).gather(f["courier"]) + "某",
        "phone": lambda f: (
            pl.Series(f["phone_head"]).cast(pl.String) + "****" + pl.Series(f["phone_tail"]).cast(pl.String)
        ),
    }
    order = np.argsort(template, kind="stable")
    bounds = np.searchsorted(template[order], np.arange(len(texts) + 1))
    pieces = []
    for t, text in enumerate(texts):
        rows = order[bounds[t] : bounds[t + 1]]
        parts = re.split(r"\{(\w+)\}", text)  # literal, name, literal, name, ..., literal
        if len(parts) == 1:
            pieces.append(pl.Series([text]).gather(np.zeros(rows.size, dtype=np.int64)))
            continue
        subset = {name: values[rows] for name, values in fields.items()}
        columns = [pl.lit(part) if i % 2 == 0 else words[part](subset) for i, part in enumerate(parts) if part or i % 2]
        pieces.append(pl.select(pl.concat_str(columns)).to_series())
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size)
    return pl.concat(pieces).gather(inverse).rename("status")


def generate(shipments: int = 2_000_000, events: int = 10_000_000, seed: int = 1) -> tuple[pl.DataFrame, pl.DataFrame]:
    check_templates()
    ships = generate_shipments(shipments, seed)
    return ships, generate_events(ships, events, seed)


def check_templates() -> None:
    """Every template, filled in, must read as its stage with the shipped generic rules."""
    from toolkit.tracking.presets import load_preset
    from toolkit.tracking.vocabulary import classify_events

    fill = {
        "hub": "杭州转运中心",
        "next": "上海中转场",
        "station": "菜鸟驿站",
        "courier": "王某",
        "phone": "138****0000",
        "city": "杭州",
    }
    rows = [(t.format(**fill), s, None) for s, group in TEMPLATES.items() for t in group]
    rows += [(t.format(**fill), "exception", r) for r, group in EXCEPTIONS.items() for t in group]
    rows += [(t.format(**fill), None, None) for t in UNKNOWN]
    frame = pl.LazyFrame({"status": [r[0] for r in rows]})
    out = classify_events(frame, load_preset("generic").vocabulary()).collect()
    wrong = [
        (text, want, got)
        for (text, *want), got in zip(rows, out.select("stage", "reason").rows(), strict=True)
        if tuple(want) != got
    ]
    if wrong:
        raise AssertionError(f"templates the generic rules read otherwise: {wrong}")


# --- writing ---------------------------------------------------------------------------------


def write(ships: pl.DataFrame, events: pl.DataFrame, where: Paths) -> None:
    where.folder.mkdir(parents=True, exist_ok=True)
    for frame, csv, parquet in (
        (ships, where.shipments_csv, where.shipments_parquet),
        (events, where.events_csv, where.events_parquet),
    ):
        frame.write_csv(csv.with_suffix(".csv.tmp"), datetime_format="%Y-%m-%d %H:%M:%S")
        csv.with_suffix(".csv.tmp").replace(csv)
        frame.write_parquet(parquet.with_suffix(".parquet.tmp"))
        parquet.with_suffix(".parquet.tmp").replace(parquet)


# --- measuring classify_events on the events ------------------------------------------------


def read_floor(watch: Stopwatch, path: str) -> dict:
    """The floor: read the events (all columns), nothing else."""
    with watch.phase("read"):
        frame = _scan(path).collect()
    return {"rows": frame.height}


def classify_all(watch: Stopwatch, path: str, engine: str) -> dict:
    """Read and classify every event, keeping all rows and columns in memory."""
    from toolkit.tracking.presets import load_preset
    from toolkit.tracking.vocabulary import classify_events

    vocabulary = load_preset("generic").vocabulary()
    with watch.phase("read+classify"):
        frame = classify_events(_scan(path), vocabulary).collect(engine=engine)
    return {"rows": frame.height, "unknown": frame["stage"].null_count()}


def classify_counts(watch: Stopwatch, path: str) -> dict:
    """Read and classify with the streaming engine into counts per stage: the events never all in memory."""
    from toolkit.tracking.presets import load_preset
    from toolkit.tracking.vocabulary import classify_events

    vocabulary = load_preset("generic").vocabulary()
    with watch.phase("read+classify"):
        counts = classify_events(_scan(path), vocabulary).group_by("stage").len().collect(engine="streaming")
    return {"rows": int(counts["len"].sum()), "unknown": int(counts.filter(pl.col("stage").is_null())["len"].sum())}


def _scan(path: str) -> pl.LazyFrame:
    if path.endswith(".parquet"):
        return pl.scan_parquet(path)
    schema = {"waybill": pl.String, "event_time": pl.String, "status": pl.String, "location": pl.String}
    return pl.scan_csv(path, schema=schema)


def measure_classify(where: Paths, repeats: int) -> str:
    script = Path(__file__).resolve()
    lines = [
        f"classify_events on {where.events_parquet.parent.name} ({machine()})",
        "",
        f"| input | what | seconds (best of {repeats}) | peak RSS MB | events | unknown |",
        "|---|---|---|---|---|---|",
    ]
    for path in (where.events_parquet, where.events_csv):
        for label, function, params in (
            ("bare read (floor)", "read_floor", {}),
            ("read + classify, in memory", "classify_all", {"engine": "in-memory"}),
            ("read + classify, streaming, all rows kept", "classify_all", {"engine": "streaming"}),
            ("read + classify, streaming, counts per stage", "classify_counts", {}),
        ):
            result = measure(script, function, {"path": str(path), **params}, repeats=repeats)
            if not result.ok:
                lines.append(f"| {path.suffix[1:]} | {label} | {result.error} | | | |")
                continue
            best = result.best
            lines.append(
                f"| {path.suffix[1:]} | {label} | {best.total:.2f} | {result.peak_rss_mb:,.0f} | "
                f"{best.result['rows']:,} | {best.result.get('unknown', '')} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=2_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="write the files even if they exist")
    parser.add_argument(
        "--measure-classify",
        action="store_true",
        help="then time classify_events on the events (each run its own process)",
    )
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    where = paths(args.shipments, args.events, args.seed)
    if args.measure_classify:
        ensure(args.shipments, args.events, args.seed)
        print(measure_classify(where, args.repeats))
        return
    files = (where.shipments_csv, where.shipments_parquet, where.events_csv, where.events_parquet)
    if all(p.exists() for p in files) and not args.force:
        print(f"already there (--force to write them again): {where.folder.relative_to(REPO)}")
        return
    start = time.perf_counter()
    ships, events = generate(args.shipments, args.events, args.seed)
    generated = time.perf_counter()
    write(ships, events, where)
    written = time.perf_counter()
    print(
        f"generated {ships.height:,} shipments and {events.height:,} events in {generated - start:.1f} s; wrote them in {written - generated:.1f} s"
    )
    for path in (where.shipments_csv, where.shipments_parquet, where.events_csv, where.events_parquet):
        print(f"  {path.relative_to(REPO)}: {path.stat().st_size / 1e6:,.0f} MB")
    print(f"  --as-of {AS_OF:%Y-%m-%dT%H:%M}+08:00")


if __name__ == "__main__":
    main()
