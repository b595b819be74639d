"""SMS serial numbers: each number handed out once, across runs, processes and crashes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.files import REPO
from toolkit.errors import InputError, JobFailed
from toolkit.messages.serials import COUNTER_FILE, format_serial, reserve_serials


def run_python(code: str) -> subprocess.Popen[str]:
    """Start `code` in a fresh interpreter with the toolkit importable."""
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_the_first_serials_look_like_the_manuals(tmp_path: Path) -> None:
    assert reserve_serials(tmp_path, 2, prefix="110", width=6, start=310221) == ["110310221", "110310222"]
    assert format_serial(7) == "000000007"


def test_consecutive_reservations_continue_where_the_last_stopped(tmp_path: Path) -> None:
    first = reserve_serials(tmp_path, 3)
    second = reserve_serials(tmp_path, 2)
    assert first == ["000000001", "000000002", "000000003"]
    assert second == ["000000004", "000000005"]
    assert json.loads((tmp_path / COUNTER_FILE).read_text()) == {"next": 6}


def test_nothing_reserved_leaves_the_counter_alone(tmp_path: Path) -> None:
    assert reserve_serials(tmp_path, 0) == []
    assert not (tmp_path / COUNTER_FILE).exists()


def test_a_higher_start_opens_a_new_range_but_a_lower_one_never_goes_back(tmp_path: Path) -> None:
    reserve_serials(tmp_path, 5)
    assert reserve_serials(tmp_path, 1, start=1000) == ["000001000"]
    assert reserve_serials(tmp_path, 1, start=1) == ["000001001"]


def test_a_serial_that_outgrows_its_width_is_an_error_not_a_longer_serial(tmp_path: Path) -> None:
    reserve_serials(tmp_path, 1, width=2, start=99)
    with pytest.raises(JobFailed, match="does not fit in 2 digits"):
        reserve_serials(tmp_path, 1, width=2)


def test_two_processes_reserving_at_once_never_share_a_number(tmp_path: Path) -> None:
    go = tmp_path / "go"
    code = (
        "import time\n"
        "from pathlib import Path\n"
        "from toolkit.messages.serials import reserve_serials\n"
        "print('ready', flush=True)\n"
        f"while not Path({str(go)!r}).exists():\n"
        "    time.sleep(0.001)\n"
        "for _ in range(100):\n"
        f"    print(*reserve_serials(Path({str(tmp_path)!r}), 3))\n"
    )
    workers = [run_python(code) for _ in range(2)]
    assert [worker.stdout.readline() for worker in workers] == ["ready\n"] * 2  # type: ignore[union-attr]
    go.touch()  # both start at once, so their reservations interleave
    outputs = [worker.communicate(timeout=60) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], [err for _, err in outputs]
    serials = [serial for out, _ in outputs for serial in out.split()]
    assert sorted(serials) == [format_serial(n) for n in range(1, 2 * 100 * 3 + 1)]


def test_a_run_killed_right_after_reserving_does_not_get_its_numbers_reused(tmp_path: Path) -> None:
    code = (
        "import os, signal\n"
        "from pathlib import Path\n"
        "from toolkit.messages.serials import reserve_serials\n"
        f"print(*reserve_serials(Path({str(tmp_path)!r}), 5), flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = run_python(code)
    out, err = killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL, err
    assert out.split() == [format_serial(n) for n in range(1, 6)]

    assert reserve_serials(tmp_path, 1) == ["000000006"]


@pytest.mark.parametrize("content", ["", "{not json", "[]", '{"last": 5}', '{"next": "12"}', '{"next": -1}'])
def test_a_corrupt_counter_is_an_error_naming_the_file_never_a_reset(tmp_path: Path, content: str) -> None:
    counter = tmp_path / COUNTER_FILE
    counter.write_text(content)
    with pytest.raises(InputError, match="SMS serial counter is corrupt") as caught:
        reserve_serials(tmp_path, 1)
    assert str(counter) in str(caught.value)
    assert counter.read_text() == content
