"""`write_samples`: the generated orders as the files customer-service teams get from their systems."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from toolkit.orders.fields import FIELDS_BY_NAME
from toolkit.samples.accounts import write_account_samples
from toolkit.samples.claims import generate_claims
from toolkit.samples.orders import FIRST_DATA_ROW, GeneratedOrders, generate_orders
from toolkit.samples.shipments import write_shipment_samples
from toolkit.samples.tickets import generate_tickets

SHEET_NAME = "订单"
FILE_DATE = datetime(2026, 11, 1)
FORMATS = ("xlsx", "csv", "parquet")
_PHONE = FIELDS_BY_NAME["shipper_phone"].label_zh
_TIME = FIELDS_BY_NAME["order_time"].label_zh
_ID = FIELDS_BY_NAME["order_id"].label_zh


def native_cell_rows(generated: GeneratedOrders) -> np.ndarray:
    """Frame indices of a few clean rows whose shipper phone and order time go into the xlsx as a
    real number and a real datetime, as systems that export typed cells do. Only rows that no
    duplicate rule compares with another row (unique order id and phone) are used."""
    frame = generated.frame.with_row_index("i")
    planted = generated.planted["row"] - FIRST_DATA_ROW
    eligible = frame.filter(
        ~pl.col("i").is_in(planted.implode()),
        pl.col(_PHONE).str.contains(r"^1\d{10}$"),
        pl.col(_TIME).str.contains(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"),
        pl.col(_ID).is_unique(),
        pl.col(_PHONE).is_unique(),
    )["i"].to_numpy()
    want = min(len(eligible), max(3, len(frame) // 250))
    return eligible[np.linspace(0, len(eligible) - 1, want).astype(np.int64)] if want else eligible


def write_xlsx(generated: GeneratedOrders, path: Path) -> Path:
    """Sheet 订单 with the Chinese headers; every cell a string (typed text stays as typed, e.g.
    1.3812345678E10), except the phone and order time of `native_cell_rows`."""
    frame = generated.frame
    native = set(native_cell_rows(generated).tolist())
    phone_col, time_col = frame.columns.index(_PHONE), frame.columns.index(_TIME)
    options = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    with xlsxwriter.Workbook(path, options) as book:
        book.set_properties({"created": FILE_DATE})  # the same bytes every time it is regenerated
        sheet = book.add_worksheet(SHEET_NAME)
        header = book.add_format({"bold": True})
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        sheet.set_column(0, len(frame.columns) - 1, 14)
        sheet.write_row(0, 0, frame.columns, header)
        for i, row in enumerate(frame.iter_rows()):
            r = i + 1
            for c, cell in enumerate(row):
                if i in native and c == phone_col:
                    sheet.write_number(r, c, int(cell))
                elif i in native and c == time_col:
                    sheet.write_datetime(r, c, datetime.strptime(cell, "%Y-%m-%d %H:%M"), when)
                elif cell:
                    sheet.write_string(r, c, cell)
    return path


def write_gbk_csv(frame: pl.DataFrame, path: Path) -> Path:
    """The frame as a GBK-encoded csv: written as UTF-8 by polars, then transcoded in 1 MB chunks."""
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".utf8.tmp", delete=False) as tmp:
        utf8 = Path(tmp.name)
    try:
        # Empty cells as nothing between the commas (polars would quote an empty string as "").
        frame.with_columns(pl.when(pl.all() != "").then(pl.all())).write_csv(utf8)
        with open(utf8, encoding="utf-8", newline="") as src, open(path, "w", encoding="gbk", newline="") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    finally:
        utf8.unlink(missing_ok=True)
    return path


def write_claims_csv(frame: pl.DataFrame, path: Path) -> Path:
    """The claims ledger as UTF-8 csv with a BOM (Excel in China opens it with the right encoding)."""
    frame.with_columns(pl.when(pl.all() != "").then(pl.all())).write_csv(path, include_bom=True)
    return path


def write_samples(
    out_dir: Path,
    *,
    orders: int = 2000,
    seed: int = 7,
    formats: Sequence[str] = ("xlsx", "csv"),
    claims: int = 0,
    claims_seed: int = 11,
    ticket_days: int = 0,
    shipments: int = 0,
    accounts: bool = False,
) -> list[Path]:
    """Generate `orders` orders and write them in `formats` (xlsx: orders.xlsx, csv: orders_gbk.csv,
    parquet: orders.parquet), plus planted_defects.csv (UTF-8) and, with `claims` > 0, a claims
    ledger of that many claims, claims.csv (UTF-8) and, with `ticket_days` > 0, the service tickets
    of that many days before 2026-11-22, service_tickets.csv (UTF-8). Returns the paths written."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown sample format(s) {sorted(unknown)}; choose from {FORMATS}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    generated = generate_orders(orders, seed=seed)
    paths: list[Path] = []
    if "xlsx" in formats:
        paths.append(write_xlsx(generated, out_dir / "orders.xlsx"))
    if "csv" in formats:
        paths.append(write_gbk_csv(generated.frame, out_dir / "orders_gbk.csv"))
    if "parquet" in formats:
        generated.frame.write_parquet(out_dir / "orders.parquet")
        paths.append(out_dir / "orders.parquet")
    generated.planted.write_csv(out_dir / "planted_defects.csv")
    paths.append(out_dir / "planted_defects.csv")
    ledger = generate_claims(claims, seed=claims_seed) if claims else None
    if ledger is not None:
        paths.append(write_claims_csv(ledger, out_dir / "claims.csv"))
    if ticket_days:
        paths.append(write_claims_csv(generate_tickets(days=ticket_days), out_dir / "service_tickets.csv"))
    if shipments:  # shipments.csv, tracking_sf.csv, tracking_zto.xlsx, kuaidi100_push.jsonl, planted_overdue.csv
        paths.extend(write_shipment_samples(out_dir, shipments))
    if accounts:  # accounts.csv, contacts.csv and planted_accounts.csv (its incidents: claims.csv)
        paths.extend(write_account_samples(out_dir, ledger))
    return paths
