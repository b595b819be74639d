"""toolkit.io.encoding: which encoding a CSV is in, and a UTF-8 file polars can scan."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from toolkit.errors import ExitCode, InputError
from toolkit.io import encoding
from toolkit.io.encoding import open_text, remove_temporary

ORDERS = "订单号,收货人,收货地址\r\nSD001,张三,北京市朝阳区\r\nSD002,李四,上海市浦东新区\r\n"


def test_a_utf8_file_is_scanned_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(ORDERS.encode("utf-8"))
    text = open_text(path)
    assert (text.path, text.encoding, text.transcoded, text.eol, text.lines) == (path, "utf-8", False, "\n", 3)


def test_a_byte_order_mark_means_utf8_sig(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(ORDERS.encode("utf-8-sig"))
    assert open_text(path).encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
def test_gbk_and_gb18030_are_transcoded_to_a_temporary_utf8_file(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "orders.csv"
    text_in = ORDERS + "SD003,𠀀先生,广州\r\n" if codec == "gb18030" else ORDERS  # 𠀀 is not in GBK
    path.write_bytes(text_in.encode(codec))
    text = open_text(path)
    try:
        assert text.encoding == "gb18030" and text.transcoded and text.path != path
        assert text.path.read_bytes().decode("utf-8") == text_in
    finally:
        remove_temporary(text)
    assert not text.path.exists()


def test_a_given_gbk_encoding_is_read_as_its_superset_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(ORDERS.encode("gbk"))
    text = open_text(path, "GBK")
    remove_temporary(text)
    assert text.encoding == "gb18030"


def test_carriage_return_only_line_ends_are_recognised(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(ORDERS.replace("\r\n", "\r").encode("gbk"))
    text = open_text(path)
    remove_temporary(text)
    assert (text.eol, text.lines) == ("\r", 3)


def test_transcoding_streams_in_chunks_and_keeps_every_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoding, "CHUNK_BYTES", 64)  # many chunks, cut inside lines
    path = tmp_path / "orders.csv"
    body = "".join(f"SD{i:04d},收货人{i},地址{i}号\n" for i in range(500))
    path.write_bytes(body.encode("gb18030"))
    text = open_text(path)
    try:
        assert text.path.read_bytes().decode("utf-8") == body
        assert text.lines == 500
    finally:
        remove_temporary(text)


def test_bytes_the_guessed_encoding_cannot_decode_further_on_name_the_row_and_offset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(encoding, "CHUNK_BYTES", 64)  # the guess sees the first chunk, not the bad byte
    path = tmp_path / "orders.csv"
    head = ("订单号,收货人\r\n" + "".join(f"SD00{i},张三\r\n" for i in range(1, 7))).encode("gbk")
    path.write_bytes(head + b"SD007,\xff\xfe\r\n")
    with pytest.raises(InputError) as caught:
        open_text(path)
    assert str(caught.value) == (
        f"{path}: row 8: byte offset {len(head) + 6}: cannot decode 0xFF 0xFE: not valid gb18030 text, "
        "the encoding guessed from earlier lines; set `encoding:` in the input"
    )
    assert caught.value.exit_code == ExitCode.BAD_INPUT


def test_a_damaged_utf8_file_is_not_mistaken_for_gbk(tmp_path: Path) -> None:
    """Valid UTF-8 Chinese, then one GBK-encoded word: report the bad spot, not mojibake."""
    path = tmp_path / "orders.csv"
    good = (ORDERS * 3).encode("utf-8")  # 9 lines
    path.write_bytes(good + "王五".encode("gbk") + b",x,y\n")
    with pytest.raises(InputError) as caught:
        open_text(path)
    assert str(caught.value) == (
        f"{path}: row 10: byte offset {len(good)}: cannot decode 0xCD 0xF5: "
        "not valid UTF-8, though the text before it is"
    )


def test_a_declared_encoding_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(ORDERS.encode("gbk"))
    with pytest.raises(InputError) as caught:
        open_text(path, "utf-8")
    assert str(caught.value) == f"{path}: row 1: byte offset 0: cannot decode 0xB6 0xA9: not valid UTF-8 text"


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ("klingon", "unknown encoding 'klingon'"),
        ("utf-32", "encoding 'utf-32' is not supported; save the file as 'CSV UTF-8'"),
    ],
)
def test_unusable_declared_encodings(tmp_path: Path, declared: str, message: str) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(InputError) as caught:
        open_text(path, declared)
    assert str(caught.value) == f"{path}: {message}"


def test_a_failed_transcode_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    real_mkstemp = tempfile.mkstemp

    def tracking_mkstemp(**kwargs: str) -> tuple[int, str]:
        fd, name = real_mkstemp(dir=tmp_path, **kwargs)
        made.append(name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", tracking_mkstemp)
    path = tmp_path / "orders.csv"
    monkeypatch.setattr(encoding, "CHUNK_BYTES", 64)  # GBK in the first chunk, a bad byte in the next
    path.write_bytes(("订单号\n" + "张三\n" * 20).encode("gbk") + b"\xff\n")
    with pytest.raises(InputError):
        open_text(path)
    assert made and not any(Path(name).exists() for name in made)


@pytest.mark.parametrize(
    ("declared", "written", "transcoded"),
    [("utf-8-sig", "utf-8-sig", False), ("UTF8", "utf-8", False), ("cp936", "gbk", True), ("big5", "big5", True)],
)
def test_declared_encodings(tmp_path: Path, declared: str, written: str, transcoded: bool) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes("訂單號,收貨人\nSD001,張三\n".encode(written))
    text = open_text(path, declared)
    try:
        assert text.transcoded is transcoded
        assert text.path.read_bytes().decode("utf-8").lstrip("\ufeff") == "訂單號,收貨人\nSD001,張三\n"
    finally:
        remove_temporary(text)
