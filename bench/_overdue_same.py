"""The toolkit's overdue logic written again in DuckDB SQL and in pandas (bench/overdue.py).

Both contenders compute, from the same files and the same as-of, what `flag_overdue` computes
before its output files, and return the count per worklist rule so that bench/overdue.py can
check them against the toolkit's:

1. each event's stage by the vocabulary of the preset (`PRESET`), in the toolkit's priority: a
   known code, else a whole-text phrase, else the first rule (in order) whose keyword or regex
   occurs. The SQL CASE and the pandas masks are generated from the same `StatusVocabulary`
   tables the toolkit uses (`codes`, `phrases`, `keywords`: every ASCII case variant → the
   first rule listing it), so a keyword matches where the toolkit's search matches. Both
   engines classify each distinct text once (1.76 million among 10 million events) and look
   the events up: regular expressions per event would take them 2-3x longer;
2. per waybill: first pickup (any known stage but `created`, `cancelled`, `closed`), first arrival (locker or
   delivered), first delivery, first locker event, the last known stage (latest time; at one
   time the later stage of the lifecycle) and the last event time; once delivered, the delivery
   is the last event;
3. pickup due by the cut-offs of config/sla.yaml and delivery due by its route table, on the
   working days of `WorkCalendar().days` (exported to the engine as a table: a day's count of
   working days before it, and the k-th working day); an order on a day off counts from the
   next working morning; a promise without a time means the end of that day and the earlier
   of promise and table wins (as configured);
4. the worklist rules in the toolkit's precedence (exception, pickup_overdue,
   delivery_overdue, uncollected, stalled): a shipment is counted under the first that is due.

Not repeated: the toolkit's reading checks and cleaning (header aliases, blank rows, stripped
cells, a dozen date formats; the bench files are clean ISO, so they change no count), and what
only people read (severity, escalation, overdue_by in working hours, the output files).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime, time
from functools import cached_property
from pathlib import Path

import numpy as np

from bench.overdue_data import AS_OF
from toolkit.calendar import FIRST_DAY, WorkCalendar
from toolkit.shipments.stages import FINAL_STAGES, STAGES
from toolkit.tracking.presets import load_preset
from toolkit.tracking.sla import Sla, load_sla
from toolkit.tracking.vocabulary import StatusVocabulary
from toolkit.tracking.worklist import RULES

REPO = Path(__file__).resolve().parent.parent
PRESET = "generic"
SLA_FILE = REPO / "config" / "sla.yaml"
RULE_ORDER = ("exception", "pickup_overdue", "delivery_overdue", "uncollected", "stalled")
BEFORE_PICKUP = ("created", "cancelled", "closed")  # as toolkit.tracking.overdue
ARRIVED = ("awaiting_collection", "delivered")
DATE_ONLY = r"^\d{4}-\d{1,2}-\d{1,2}$"
SHIPMENT_COLUMNS = ["waybill", "order_time", "carrier", "service", "origin", "destination", "promised_at"]
STAGE_NO = {s: i for i, s in enumerate(STAGES)}
BLOCK = 9


@dataclass(frozen=True)
class Logic:
    """What both contenders are told: the vocabulary, the time limits, the calendar, now."""

    vocabulary: StatusVocabulary
    sla: Sla
    calendar: WorkCalendar
    as_of: datetime  # naive Asia/Shanghai wall time, like the files

    @cached_property
    def loose(self) -> list[tuple[int, list[str], list[str]]]:
        """(rule index, keywords in every case variant, regexes) per rule that has any, in rule order."""
        words: dict[int, list[str]] = {}
        for word, index in self.vocabulary.keywords.items():
            words.setdefault(index, []).append(word)
        return [
            (i, words.get(i, []), list(r.regex)) for i, r in enumerate(self.vocabulary.rules) if words.get(i) or r.regex
        ]

    @cached_property
    def blocks(self) -> list[tuple[str, list[tuple[int, str]]]]:
        """The loose rules in blocks of `BLOCK`, each as (any rule of the block, [(rule, its regex)]).

        A text tries a block's union first and the rules of the first block that matches, so it
        passes about 10 regular expressions instead of 30; the first block that matches holds
        the first rule that matches, so the answer is the same (3x faster in both engines)."""
        regexes = [(i, regex_alternation(words, patterns)) for i, words, patterns in self.loose]
        blocks = [regexes[k : k + BLOCK] for k in range(0, len(regexes), BLOCK)]
        return [("|".join(r for _, r in block), block) for block in blocks]

    @cached_property
    def stage_of_rule(self) -> list[int]:
        return [STAGE_NO[r.stage] for r in self.vocabulary.rules]

    @cached_property
    def workdays(self) -> np.ndarray:
        """The working days in order (datetime64[D]): the k-th working day since FIRST_DAY is `[k]`."""
        days = self.calendar.days
        return days.filter(days["is_workday"])["date"].to_numpy().astype("datetime64[D]")


def load_logic(as_of: str | None = None) -> Logic:
    """`as_of`: ISO local time (default: the data's AS_OF)."""
    assert tuple(RULES) == RULE_ORDER, f"the toolkit's rule precedence changed: {tuple(RULES)}"
    sla = load_sla(SLA_FILE)
    assert sla.stalled_clock == "calendar", "only calendar hours for `stalled` are written here"
    return Logic(
        load_preset(PRESET).vocabulary(), sla, WorkCalendar(), datetime.fromisoformat(as_of) if as_of else AS_OF
    )


def glob_regex(pattern: str, whole: bool) -> str:
    """A route pattern (`*`, `?`) as a regex: a carrier or service matches whole, a place as a prefix."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return "^" + body + ("$" if whole else "")


def route_conditions(logic: Logic) -> list[list[tuple[str, str, bool]]]:
    """Per route row but the default: (column, regex, also via province) conditions, all must hold."""
    rows = []
    for route in logic.sla.delivery.routes[:-1]:
        conditions = [
            (c, glob_regex(p, True), False)
            for c, p in (("carrier", route.carrier), ("service", route.service))
            if p != "*"
        ]
        conditions += [
            (c, glob_regex(p, False), True)
            for c, p in (("origin", route.origin), ("destination", route.destination))
            if p != "*"
        ]
        rows.append(conditions)
    return rows


def file_columns(path: str) -> list[str]:
    if path.endswith(".parquet"):
        import pyarrow.parquet as pq

        return pq.read_schema(path).names
    with open(path, encoding="utf-8", newline="") as file:
        return next(csv.reader(file))


def event_columns(logic: Logic, events: str) -> list[str]:
    """What the contenders read of the events: the code column too when the vocabulary has codes."""
    code = logic.vocabulary.code_column
    return [
        "waybill",
        "event_time",
        "status",
        *([code] if logic.vocabulary.codes and code in file_columns(events) else []),
    ]


def rule_counts(shipments: int, per_rule: dict[str, int], unknown: int) -> dict[str, int]:
    """What a contender returns: the same keys as the toolkit contenders."""
    counted = {rule: int(per_rule.get(rule, 0)) for rule in RULE_ORDER}
    return {"shipments": int(shipments), "flagged": sum(counted.values()), **counted, "unknown_statuses": int(unknown)}


# --- DuckDB ---------------------------------------------------------------------------------

SAME_SQL = """
WITH events AS (
    SELECT * FROM {events}),
texts AS (  -- each distinct status text classified once: its stage number (null: no rule matched)
    SELECT status, {stage_of_rule}[({text_rule}) + 1] AS stage
    FROM (SELECT DISTINCT status FROM events)),
classified AS (  -- a known code wins over the text
    SELECT e.waybill, e.event_time AS t, coalesce({stage_of_rule}[({code_rule}) + 1], x.stage) AS stage
    FROM events e LEFT JOIN texts x USING (status)),
reduced AS (  -- per waybill; a duplicate or out-of-order event changes no min or max
    SELECT waybill,
           count(*) AS events,
           count(*) FILTER (WHERE stage IS NULL) AS unknown_events,
           min(t) FILTER (WHERE stage IS NOT NULL AND stage NOT IN {before_pickup}) AS picked_up_at,
           min(t) FILTER (WHERE stage IN {arrived}) AS arrived_at,
           min(t) FILTER (WHERE stage = {delivered}) AS delivered_at,
           min(t) FILTER (WHERE stage = {awaiting}) AS awaiting_since,
           max(epoch_us(t) * 16 + stage) AS last_known,  -- the latest known event; at one time the later stage
           max(t) AS latest
    FROM classified GROUP BY waybill),
status AS (  -- every shipment; once delivered, the delivery is its last event
    SELECT s.order_time, s.carrier, s.service, s.origin, s.destination,
           CASE WHEN regexp_matches(s.promised_at, '{date_only}') THEN CAST(s.promised_at AS DATE) + TIME '23:59:59'
                ELSE TRY_CAST(s.promised_at AS TIMESTAMP) END AS promised_at,
           coalesce(r.events, 0) AS events, r.unknown_events, r.picked_up_at, r.arrived_at, r.awaiting_since,
           CASE WHEN r.delivered_at IS NOT NULL THEN 'delivered'
                ELSE coalesce({stage_names}[r.last_known % 16 + 1], 'created') END AS stage,
           coalesce(r.delivered_at, make_timestamp(r.last_known // 16)) AS stage_since,
           coalesce(r.delivered_at, r.latest) AS last_event_time,
           {origin_province} AS origin_province, {destination_province} AS destination_province
    FROM {shipments} s LEFT JOIN reduced r USING (waybill)),
ordered AS (  -- an order on a day off counts from the next working morning
    SELECT st.*, w.day AS pickup_day, n.day AS next_day,
           CASE WHEN w.day = CAST(st.order_time AS DATE) THEN CAST(st.order_time AS TIME) ELSE TIME '{work_start}' END AS clock,
           {route} AS route
    FROM status st
    LEFT JOIN calendar_days d ON d.day = CAST(st.order_time AS DATE)
    LEFT JOIN workdays w ON w.k = d.workdays_before
    LEFT JOIN workdays n ON n.k = d.workdays_before + 1),
pickup AS (
    SELECT *,
           CASE WHEN clock < TIME '{morning_cutoff}' THEN pickup_day + TIME '{morning_due}'
                WHEN clock < TIME '{last_cutoff}' THEN pickup_day + TIME '{same_day_due}'
                ELSE next_day + TIME '{next_morning_due}' END AS pickup_due,
           {route_days}[route + 1] AS days, {route_working}[route + 1] AS working
    FROM ordered),
delivery AS (  -- the route's days from the pickup (or its due time) to the end of the last day
    SELECT p.*, CASE WHEN p.working THEN l.day ELSE CAST(coalesce(p.picked_up_at, p.pickup_due) AS DATE) + p.days END
                + TIME '{day_ends_at}' AS table_due
    FROM pickup p
    LEFT JOIN calendar_days d ON d.day = CAST(coalesce(p.picked_up_at, p.pickup_due) AS DATE)
    LEFT JOIN workdays l ON l.k = d.first_after + p.days - 1),
flagged AS (  -- the first rule that is due; stage_since, pickup_due ... compared with now
    SELECT *, CASE
        WHEN stage IN {exception_stages} AND stage NOT IN {final} AND stage_since < {now} THEN 'exception'
        WHEN picked_up_at IS NULL AND stage NOT IN {final} AND pickup_due < {now} THEN 'pickup_overdue'
        WHEN arrived_at IS NULL AND stage NOT IN {final} AND {delivery_due} < {now} THEN 'delivery_overdue'
        WHEN stage = 'awaiting_collection' AND awaiting_since + to_microseconds({uncollected_us}) < {now} THEN 'uncollected'
        WHEN stage NOT IN {final} AND stage <> 'awaiting_collection' AND events > 0
             AND coalesce(last_event_time, order_time) + to_microseconds(CAST({stalled_hours} * 3600000000 AS BIGINT)) < {now}
             THEN 'stalled'
        END AS rule
    FROM delivery)
SELECT rule, count(*) AS shipments, (SELECT coalesce(sum(unknown_events), 0) FROM reduced) AS unknown
FROM flagged GROUP BY rule
"""


def q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_list(values: list) -> str:
    return (
        "[" + ", ".join("NULL" if v is None else q(v) if isinstance(v, str) else str(v).lower() for v in values) + "]"
    )


def sql_tuple(values: tuple[str, ...] | list[str], numbers: bool = False) -> str:
    return "(" + ", ".join(str(STAGE_NO[v]) if numbers else q(v) for v in values) + ")"


def sql_code_rule(logic: Logic, columns: list[str]) -> str:
    """The rule index of an event's code (NULL: no code, or none the vocabulary knows)."""
    vocabulary = logic.vocabulary
    if not vocabulary.codes or vocabulary.code_column not in columns:
        return "NULL"
    return (
        f"CASE {vocabulary.code_column} "
        + " ".join(f"WHEN {q(c)} THEN {i}" for c, i in vocabulary.codes.items())
        + " END"
    )


def sql_text_rule(logic: Logic) -> str:
    """The rule index of a status text: a whole-text phrase, else the first rule whose keyword or
    regex occurs (one RE2 alternation per rule, half the time of a `contains` per word; rules in
    blocks, see `Logic.blocks`)."""
    by_rule: dict[int, list[str]] = {}
    for value, index in logic.vocabulary.phrases.items():
        by_rule.setdefault(index, []).append(value)
    whens = [f"WHEN status IN ({', '.join(map(q, values))}) THEN {i}" for i, values in sorted(by_rule.items())]
    for union, block in logic.blocks:
        inner = " ".join(f"WHEN regexp_matches(status, {q(regex)}) THEN {i}" for i, regex in block)
        whens.append(f"WHEN regexp_matches(status, {q(union)}) THEN CASE {inner} END")
    return "CASE " + "\n        ".join(whens) + " END"


def regex_alternation(words: list[str], patterns: list[str]) -> str:
    """One regex that finds any of `words` (literally) or of `patterns`."""
    return "|".join([re.escape(w) for w in words] + [f"(?:{p})" for p in patterns])


def sql_province(logic: Logic, column: str) -> str:
    provinces = logic.sla.delivery.provinces
    if not provinces:
        return "NULL"
    return f"CASE s.{column} " + " ".join(f"WHEN {q(c)} THEN {q(p)}" for c, p in provinces.items()) + " END"


def sql_route(logic: Logic) -> str:
    """The index of the first route row a shipment matches (the default row catches the rest)."""
    whens = []
    for i, conditions in enumerate(route_conditions(logic)):
        tests = []
        for column, regex, by_province in conditions:
            test = f"regexp_matches({column}, {q(regex)})"
            if by_province:
                test = f"({test} OR regexp_matches({column}_province, {q(regex)}))"
            tests.append(test)
        whens.append(f"WHEN {' AND '.join(tests) or 'true'} THEN {i}")
    return f"CASE {' '.join(whens)} ELSE {len(logic.sla.delivery.routes) - 1} END"


def sql_source(path: str, types: dict[str, str]) -> str:
    """The columns of `types` from a Parquet or CSV file (CSV with these types, the rest as text)."""
    if path.endswith(".parquet"):
        return f"(SELECT {', '.join(types)} FROM read_parquet({q(path)}))"
    spec = "{" + ", ".join(f"{q(c)}: {q(types.get(c, 'VARCHAR'))}" for c in file_columns(path)) + "}"
    return f"(SELECT {', '.join(types)} FROM read_csv({q(path)}, header=true, columns={spec}))"


def same_sql(logic: Logic, shipments: str, events: str, event_columns: list[str]) -> str:
    sla, calendar = logic.sla, logic.calendar
    routes, pickup = sla.delivery.routes, sla.pickup
    stalled = "CASE stage " + " ".join(f"WHEN {q(s)} THEN {h}" for s, h in sla.stalled_hours.items()) + " END"
    promised = {
        "table": "table_due",
        "carrier": "coalesce(promised_at, table_due)",
        "earlier": "least(table_due, promised_at)",
    }
    event_types = {c: "TIMESTAMP" if c == "event_time" else "VARCHAR" for c in event_columns}
    shipment_types = {c: "TIMESTAMP" if c == "order_time" else "VARCHAR" for c in SHIPMENT_COLUMNS}
    return SAME_SQL.format(
        stage_of_rule=sql_list(logic.stage_of_rule),
        text_rule=sql_text_rule(logic),
        code_rule=sql_code_rule(logic, event_columns),
        events=sql_source(events, event_types),
        shipments=sql_source(shipments, shipment_types),
        before_pickup=sql_tuple(BEFORE_PICKUP, True),
        arrived=sql_tuple(ARRIVED, True),
        delivered=STAGE_NO["delivered"],
        awaiting=STAGE_NO["awaiting_collection"],
        stage_names=sql_list(list(STAGES)),
        date_only=DATE_ONLY,
        work_start=calendar.work_start,
        route=sql_route(logic),
        morning_cutoff=pickup.morning_cutoff,
        morning_due=pickup.morning_due,
        last_cutoff=pickup.last_cutoff,
        same_day_due=pickup.same_day_due,
        next_morning_due=pickup.next_morning_due,
        route_days=sql_list([r.days for r in routes]),
        route_working=sql_list([r.unit == "working" for r in routes]),
        day_ends_at=sla.delivery.day_ends_at,
        exception_stages=sql_tuple(sla.exception_stages),
        final=sql_tuple(FINAL_STAGES),
        now=f"TIMESTAMP '{logic.as_of:%Y-%m-%d %H:%M:%S}'",
        delivery_due=f"({promised[sla.delivery.promised]})",
        uncollected_us=int(sla.uncollected_days * 86_400_000_000),
        stalled_hours=stalled,
        origin_province=sql_province(logic, "origin"),
        destination_province=sql_province(logic, "destination"),
    )


def duckdb_same(watch, shipments: str, events: str, as_of: str | None = None) -> dict:
    """The toolkit's logic in one DuckDB query (classify, reduce, calendar, rules)."""
    import duckdb
    import pyarrow as pa

    logic = load_logic(as_of)
    with watch.phase("query"):
        days = logic.calendar.days
        con = duckdb.connect()
        con.register(
            "calendar_days",
            pa.table(
                {
                    "day": days["date"].to_arrow(),
                    "workdays_before": days["workdays_before"].to_arrow(),
                    "first_after": days["first_after"].to_arrow(),
                }
            ),
        )
        con.register("workdays", pa.table({"k": np.arange(len(logic.workdays)), "day": logic.workdays}))
        rows = con.sql(same_sql(logic, shipments, events, event_columns(logic, events))).fetchall()
    return rule_counts(sum(n for _, n, _ in rows), {rule: n for rule, n, _ in rows if rule}, rows[0][2] if rows else 0)


# --- pandas ---------------------------------------------------------------------------------


def pandas_text_rule(texts, logic: Logic) -> np.ndarray:
    """The rule index of each text (-1: none): a whole-text phrase, else the first rule whose
    keyword or regex occurs (rules in blocks, see `Logic.blocks`)."""
    rule = texts.map(logic.vocabulary.phrases).fillna(-1).to_numpy(np.int64)
    for union, block in logic.blocks:  # see `Logic.blocks`
        in_block = np.flatnonzero(rule < 0)
        in_block = in_block[contains(texts.iloc[in_block], union)]
        for i, regex in block:
            hit = in_block[contains(texts.iloc[in_block], regex)]
            rule[hit] = i
            in_block = np.setdiff1d(in_block, hit, assume_unique=True)
    return rule


def contains(texts, regex: str) -> np.ndarray:
    return texts.str.contains(regex, regex=True).fillna(False).to_numpy(bool)


def pandas_read(path: str, columns: list[str], times: tuple[str, ...]):
    import pandas as pd

    if path.endswith(".parquet"):
        frame = pd.read_parquet(path, columns=columns)
    else:
        frame = pd.read_csv(
            path, usecols=columns, engine="pyarrow", dtype={c: "str" for c in columns if c not in times}
        )
    for column in times:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    return frame


def day_index(days: np.ndarray) -> np.ndarray:
    """Row of each date in `WorkCalendar().days`."""
    return (days.astype("datetime64[D]") - np.datetime64(FIRST_DAY, "D")).astype(np.int64)


def clock(value: time) -> np.timedelta64:
    return np.timedelta64((value.hour * 60 + value.minute) * 60 + value.second, "s").astype("timedelta64[us]")


def at(days: np.ndarray, value: time) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[us]") + clock(value)


def pandas_reduce(events: str, logic: Logic):
    """One row per waybill (index): events, unknown events, first pickup / arrival / delivery /
    locker time, the last known stage (-1: none) and its time, the latest time."""
    import pandas as pd

    columns = event_columns(logic, events)
    ev = pandas_read(events, columns, ("event_time",))
    text_of_event, texts = pd.factorize(ev["status"])  # each distinct text is classified once
    rule = np.where(text_of_event < 0, -1, pandas_text_rule(pd.Series(texts), logic)[text_of_event])
    if len(columns) > 3:  # a known code wins over the text
        by_code = ev[columns[3]].astype("str").map(logic.vocabulary.codes).fillna(-1).to_numpy(np.int64)
        rule = np.where(by_code >= 0, by_code, rule)
    stage = np.append(np.array(logic.stage_of_rule), -1)[rule]  # -1: no rule matched
    waybill_of_event, waybills = pd.factorize(ev["waybill"])
    t, known = ev["event_time"], stage >= 0
    per_event = pd.DataFrame(
        {
            "waybill": waybill_of_event,
            "unknown_events": ~known,
            "picked_up_at": t.where(known & ~np.isin(stage, [STAGE_NO[s] for s in BEFORE_PICKUP])),
            "arrived_at": t.where(np.isin(stage, [STAGE_NO[s] for s in ARRIVED])),
            "delivered_at": t.where(stage == STAGE_NO["delivered"]),
            "awaiting_since": t.where(stage == STAGE_NO["awaiting_collection"]),
            # the latest known event, at one time the later stage; -1 (none) keeps it an exact int64
            "last_known": np.where(known, t.to_numpy().astype("datetime64[us]").astype(np.int64) * 16 + stage, -1),
            "latest": t,
        }
    )
    del ev, t
    reduced = per_event.groupby("waybill", sort=False).agg(
        events=("unknown_events", "size"),
        unknown_events=("unknown_events", "sum"),
        **{c: (c, "min") for c in ("picked_up_at", "arrived_at", "delivered_at", "awaiting_since")},
        last_known=("last_known", "max"),
        latest=("latest", "max"),
    )
    reduced.index = waybills[reduced.index]
    packed = reduced.pop("last_known").to_numpy()
    reduced["last_stage"] = np.where(packed >= 0, packed % 16, -1)
    reduced["last_stage_since"] = pd.Series((packed // 16).astype("datetime64[us]"), index=reduced.index).where(
        packed >= 0
    )
    return reduced


def pandas_status(shipments: str, reduced, logic: Logic):
    """Every shipment with its stage, pickup and delivery due times (see the module docstring)."""
    import pandas as pd

    sla, pickup, workdays = logic.sla, logic.sla.pickup, logic.workdays
    days = logic.calendar.days
    workdays_before, first_after = days["workdays_before"].to_numpy(), days["first_after"].to_numpy()
    ships = pandas_read(shipments, SHIPMENT_COLUMNS, ("order_time",)).merge(
        reduced, left_on="waybill", right_index=True, how="left"
    )
    promised = ships["promised_at"]
    date_only = promised.str.contains(DATE_ONLY, regex=True).fillna(False).to_numpy(bool)
    ships["promised_at"] = pd.to_datetime(promised.where(~date_only), errors="coerce").astype("datetime64[us]")
    ships.loc[date_only, "promised_at"] = at(pd.to_datetime(promised[date_only]).to_numpy(), time(23, 59, 59))
    # once delivered, the delivery is the last event
    delivered = ships["delivered_at"].notna()
    last_stage = ships["last_stage"].fillna(-1).to_numpy().astype(np.int64)
    stage_names = np.array([*STAGES, "created"], dtype=object)  # [-1]: no known event
    ships["stage"] = np.where(delivered, "delivered", stage_names[last_stage])
    ships["stage_since"] = ships["delivered_at"].fillna(ships["last_stage_since"])
    ships["last_event_time"] = ships["delivered_at"].fillna(ships["latest"])
    ships["events"] = ships["events"].fillna(0)
    # pickup: an order on a day off counts from the next working morning
    ordered_on = ships["order_time"].to_numpy().astype("datetime64[D]")
    k = workdays_before[day_index(ordered_on)]
    pickup_day, next_day = workdays[k], workdays[k + 1]
    order_clock = ships["order_time"].to_numpy() - ordered_on.astype("datetime64[us]")
    order_clock = np.where(pickup_day == ordered_on, order_clock, clock(logic.calendar.work_start))
    ships["pickup_due"] = np.select(
        [order_clock < clock(pickup.morning_cutoff), order_clock < clock(pickup.last_cutoff)],
        [at(pickup_day, pickup.morning_due), at(pickup_day, pickup.same_day_due)],
        at(next_day, pickup.next_morning_due),
    )
    # delivery: the first matching route's days from the pickup (or its due time) to the end of the last day
    route = np.select(
        pandas_route_matches(ships, logic), list(range(len(sla.delivery.routes) - 1)), len(sla.delivery.routes) - 1
    )
    route_days = np.array([r.days for r in sla.delivery.routes])[route]
    working = np.array([r.unit == "working" for r in sla.delivery.routes])[route]
    start = ships["picked_up_at"].fillna(ships["pickup_due"]).to_numpy().astype("datetime64[D]")
    last_day = np.where(
        working, workdays[first_after[day_index(start)] + route_days - 1], start + route_days.astype("timedelta64[D]")
    )
    table_due = pd.Series(at(last_day, sla.delivery.day_ends_at), index=ships.index)
    ships["delivery_due"] = {
        "table": lambda: table_due,
        "carrier": lambda: ships["promised_at"].fillna(table_due),
        "earlier": lambda: table_due.where(
            ships["promised_at"].isna() | (table_due <= ships["promised_at"]), ships["promised_at"]
        ),
    }[sla.delivery.promised]()
    return ships


def pandas_route_matches(ships, logic: Logic) -> list[np.ndarray]:
    """Per route row but the default: does each shipment match it."""
    provinces = logic.sla.delivery.provinces
    places = {
        c: ships[c].astype("category") for c in ("carrier", "service", "origin", "destination")
    }  # tested once per value
    matches = []
    for conditions in route_conditions(logic):
        match = np.ones(len(ships), bool)
        for column, regex, by_province in conditions:
            hit = contains(places[column], regex)
            if by_province and provinces:
                hit = hit | contains(places[column].map(provinces, na_action="ignore"), regex)
            match &= hit
        matches.append(match)
    return matches


def pandas_rules(ships, logic: Logic) -> np.ndarray:
    """The first rule that is due per shipment ("" where none)."""
    import pandas as pd

    sla, now, stage = logic.sla, pd.Timestamp(logic.as_of), ships["stage"]
    final = stage.isin(FINAL_STAGES)
    since = ships["last_event_time"].fillna(ships["order_time"])
    stalled_after = pd.to_timedelta(stage.map(sla.stalled_hours).astype("float64"), unit="h")
    due = {
        "exception": stage.isin(sla.exception_stages) & ~final & (ships["stage_since"] < now),
        "pickup_overdue": ships["picked_up_at"].isna() & ~final & (ships["pickup_due"] < now),
        "delivery_overdue": ships["arrived_at"].isna() & ~final & (ships["delivery_due"] < now),
        "uncollected": (stage == "awaiting_collection")
        & (ships["awaiting_since"] + pd.Timedelta(days=sla.uncollected_days) < now),
        "stalled": ~final & (stage != "awaiting_collection") & (ships["events"] > 0) & (since + stalled_after < now),
    }
    return np.select([due[r].fillna(False).to_numpy(bool) for r in RULE_ORDER], list(RULE_ORDER), "")


def pandas_same(watch, shipments: str, events: str, as_of: str | None = None) -> dict:
    """The toolkit's logic in pandas and numpy (each distinct status text classified once)."""
    import pandas as pd

    logic = load_logic(as_of)
    with watch.phase("events"):
        reduced = pandas_reduce(events, logic)
    with watch.phase("status"):
        ships = pandas_status(shipments, reduced, logic)
    with watch.phase("rules"):
        rule = pandas_rules(ships, logic)
    per_rule = pd.Series(rule[rule != ""]).value_counts().to_dict()
    return rule_counts(len(ships), per_rule, reduced["unknown_events"].sum())


def duckdb_same_outputs(watch, shipments: str, events: str, as_of: str | None = None) -> dict:
    """`duckdb_same` plus writing the job's tables the way DuckDB writes them: the status of every
    shipment (parquet), the worklist (parquet, and csv for the workbook people open), the batch
    view per carrier and route (parquet): the contender for the whole job (which writes more: a
    7-sheet workbook, the summary page, the follow-up log)."""
    import tempfile

    import duckdb
    import pyarrow as pa

    logic = load_logic(as_of)
    with tempfile.TemporaryDirectory(prefix="duckdb-overdue-") as out, watch.phase("query+outputs"):
        days = logic.calendar.days
        con = duckdb.connect()
        con.register(
            "calendar_days",
            pa.table(
                {
                    "day": days["date"].to_arrow(),
                    "workdays_before": days["workdays_before"].to_arrow(),
                    "first_after": days["first_after"].to_arrow(),
                }
            ),
        )
        con.register("workdays", pa.table({"k": np.arange(len(logic.workdays)), "day": logic.workdays}))
        sql = same_sql(logic, shipments, events, event_columns(logic, events))
        plan = sql[: sql.rindex("SELECT rule, count(*)")]
        con.sql(f"CREATE TEMP TABLE status_all AS {plan} SELECT * FROM flagged")
        worklist = "SELECT * FROM status_all WHERE rule IS NOT NULL ORDER BY rule, last_event_time, order_time"
        zstd = "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)"
        con.sql(f"COPY status_all TO {q(out + '/shipment_status.parquet')} {zstd}")
        con.sql(f"COPY ({worklist}) TO {q(out + '/worklist.parquet')} {zstd}")
        con.sql(f"COPY ({worklist}) TO {q(out + '/worklist.csv')} (HEADER)")
        batch_rules = sql_tuple(list(logic.sla.batch.rules))
        con.sql(
            f"COPY (SELECT carrier, origin, destination, count(*) AS late, min(order_time) AS oldest, "
            f"string_agg(DISTINCT rule, '、' ORDER BY rule) AS rules FROM status_all WHERE rule IN {batch_rules} "
            f"GROUP BY ALL HAVING count(*) >= {logic.sla.batch.min_late} ORDER BY late DESC) "
            f"TO {q(out + '/batches.parquet')} {zstd}"
        )
        rows = con.sql(
            "SELECT rule, count(*), (SELECT coalesce(sum(unknown_events), 0) FROM status_all) FROM status_all GROUP BY rule"
        ).fetchall()
    return rule_counts(sum(n for _, n, _ in rows), {rule: n for rule, n, _ in rows if rule}, rows[0][2] if rows else 0)
