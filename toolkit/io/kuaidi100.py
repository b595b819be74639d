"""Kuaidi100 push callbacks saved as JSON lines (`.jsonl`): one callback body per line, read as
tracking events.

Kuaidi100 posts `param` (a JSON text) to the subscriber's callback URL: `status` (polling,
shutdown, abort, updateall), `message`, and `lastResult` with `nu` (the waybill), `com`, `state`
(the shipment's current state: 0 在途, 1 揽收, 2 疑难, 3 签收, 4 退签, 5 派件, 6 退回, 7 转投, 14
拒签, or a sub-state such as 1001 or 301 with `resultv2=4`) and `data[]`, newest first, of `time`,
`ftime`, `context`, and with `resultv2` `status` (the state name), `statusCode`, `areaName`.
A line may hold that `param` object, the same wrapped as `{"param": ...}` (object or JSON text),
or the whole form body `{"sign": ..., "param": ...}`.

Each `data[]` item is one event row: `waybill` (lastResult.nu), `event_time` (ftime, else time),
`status` (the item's state name), `code` (the item's statusCode, or its status where that is a
number; the newest event without one gets lastResult.state, which is the state that event put
the shipment in), `description` (context), `location` (areaName, else location), `state`
(lastResult.state, on every row) and `com`. `_row` is the line number. Each callback carries the
whole trace, so where a waybill has several callbacks only its last one is read (a note says
how many were superseded). A line that is not such a callback is an InputError naming the file,
the line and what was expected: no line is dropped silently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.errors import InputError
from toolkit.fields import ROW
from toolkit.io.raw import RawTable, positional
from toolkit.io.source import TableSource

COLUMNS: tuple[str, ...] = ("waybill", "event_time", "status", "code", "description", "location", "state", "com")
"""The headers of the rows read: canonical event names, which every tracking preset knows, then
the callback's own `state` and `com`."""

_EXPECTED = "expected one Kuaidi100 callback per line: a JSON object with lastResult {nu, state, data: [...]}"


def read_kuaidi100_jsonl(path: Path, source: TableSource) -> RawTable:
    """The events of every callback line of `path` (see the module's docstring)."""
    latest: dict[str, tuple[int, list[dict[str, str | None]]]] = {}
    superseded = empty = blank = 0
    with path.open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                blank += 1
                continue
            waybill, rows = _callback(line, number, path)
            if not rows:
                empty += 1
            if waybill in latest:
                superseded += 1
            latest[waybill] = (number, rows)
    if not latest:
        raise InputError("no callback lines (the file holds only blank lines)", path=path)
    if not any(rows for _, rows in latest.values()) and not source.may_be_empty:
        raise InputError(f"no trace events: lastResult.data is empty in all {len(latest):,} callbacks", path=path)
    numbers = [number for number, rows in latest.values() for _ in rows]
    cells = {name: [row[name] for _, rows in latest.values() for row in rows] for name in COLUMNS}
    frame = pl.DataFrame(
        {ROW: pl.Series(numbers, dtype=pl.Int64)}
        | {positional(i): pl.Series(cells[name], dtype=pl.String) for i, name in enumerate(COLUMNS)}
    ).sort(ROW, maintain_order=True)
    notes: list[str] = []
    if superseded:
        notes.append(
            f"{superseded:,} earlier callbacks of a waybill superseded by its later one (each holds the whole trace)"
        )
    if empty:
        notes.append(f"{empty:,} callbacks without trace data (lastResult.data is empty)")
    return RawTable(
        frame=frame.lazy(), headers=list(COLUMNS), rows=frame.height, format="jsonl", encoding="utf-8", blank_rows=blank,
        notes=tuple(notes),
    )  # fmt: skip


def _fail(number: int, path: Path, what: str) -> InputError:
    return InputError(f"line {number}: {what}; {_EXPECTED}", path=path)


def _callback(line: str, number: int, path: Path) -> tuple[str, list[dict[str, str | None]]]:
    try:
        body = json.loads(line)
    except json.JSONDecodeError as error:
        raise _fail(number, path, f"not JSON ({error.msg} at column {error.colno})") from None
    if isinstance(body, dict) and "lastResult" not in body and "param" in body:
        body = body["param"]
        if isinstance(body, str):
            try:
                body = json.loads(body)
            except json.JSONDecodeError as error:
                raise _fail(number, path, f"param is not JSON ({error.msg})") from None
    if not isinstance(body, dict):
        raise _fail(number, path, f"a JSON {type(body).__name__}, not an object")
    result = body.get("lastResult")
    if not isinstance(result, dict):
        raise _fail(number, path, "no lastResult object")
    waybill = _text(result.get("nu"))
    if waybill is None:
        raise _fail(number, path, "lastResult has no nu (the waybill)")
    data = result.get("data")
    if not isinstance(data, list):
        raise _fail(number, path, "lastResult.data is not a list")
    state, com = _text(result.get("state")), _text(result.get("com"))
    rows = [_event(item, i, number, path, waybill, state, com) for i, item in enumerate(data)]
    coded = [row for row in rows if row["code"] is not None]
    if rows and state is not None and len(coded) < len(rows):
        newest = max(range(len(rows)), key=lambda i: (rows[i]["event_time"] or "", -i))
        if rows[newest]["code"] is None:
            rows[newest]["code"] = state
    return waybill, rows


def _event(
    item: Any, index: int, number: int, path: Path, waybill: str, state: str | None, com: str | None
) -> dict[str, str | None]:
    where = f"lastResult.data[{index}]"
    if not isinstance(item, dict):
        raise _fail(number, path, f"{where} is not an object")
    when = _text(item.get("ftime")) or _text(item.get("time"))
    if when is None:
        raise _fail(number, path, f"{where} has no time or ftime")
    context = _text(item.get("context"))
    if context is None:
        raise _fail(number, path, f"{where} has no context")
    status = _text(item.get("status"))
    code = _text(item.get("statusCode"))
    if status is not None and status.isdigit():
        code, status = code or status, None
    return {
        "waybill": waybill,
        "event_time": when,
        "status": status,
        "code": code,
        "description": context,
        "location": _text(item.get("areaName")) or _text(item.get("location")),
        "state": state,
        "com": com,
    }


def _text(value: object) -> str | None:
    """A JSON scalar as stripped text; None, an empty string and containers are no value."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None
