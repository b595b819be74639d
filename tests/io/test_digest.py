"""Input files are hashed for the manifest in the background while they are read."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from toolkit.io.digest import file_sha256, start_sha256


def test_the_background_hash_is_the_files_sha256(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(b"waybill,event_time\n" + b"SF1,2026-11-22 09:05:00\n" * 100_000)
    start_sha256(path)
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()  # again, without a start


def test_a_file_changed_after_the_start_is_hashed_as_it_is_now(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("订单号\nSD001\n", encoding="utf-8")
    start_sha256(path)
    path.write_text("订单号\nSD001\nSD002\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different modification time even on a coarse clock
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()
