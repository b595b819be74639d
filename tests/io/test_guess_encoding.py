"""The encoding read_table picks for a text file that is not UTF-8, and how sure it is."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from toolkit.io import TableSource, read_table
from toolkit.io.guess_encoding import guess

LATIN = "Nom,Année,Ville\nDupont,2024,Orléans\nMüller,2023,Köln\n"  # GB18030 decodes it too: Ann閑
WESTERN = "Nom,Année,Prix,Remarque\nDupont,2024,12 €,cœur\nLefèvre,2023,7 €,œuvre\n"
GBK = "订单号,收货人,收货地址\nSD001,张三,北京市朝阳区\nSD002,李四,上海市浦东新区\n"  # a header and 2 rows
EXTENDED = "订单号,收货人,收货地址\nSD001,𠮷野家,北京市朝阳区\nSD002,李四,上海市浦东新区\n"  # 𠮷 is not in GBK
TRADITIONAL = "訂單號,收貨人,收貨地址\nSD001,張三,臺北市信義區\nSD002,李四,高雄市前鎮區\n"


def cells(path: Path, encoding: str | None = None) -> tuple[str | None, float | None, list[list[str]], tuple[str, ...]]:
    """What read_table made of the file: encoding, confidence, header and rows, the notes on its encoding."""
    with read_table(TableSource(path=path, encoding=encoding), {}) as table:
        frame = table.frame.drop("_row").collect()
        notes = tuple(note for note in table.notes if "`encoding:" in note)
        return table.encoding, table.encoding_confidence, [frame.columns, *map(list, frame.rows())], notes


def written(tmp_path: Path, text: str, codec: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(codec))
    return path


def rows(text: str, delimiter: str = ",") -> list[list[str]]:
    return [line.split(delimiter) for line in text.splitlines()]


@pytest.mark.parametrize(
    ("text", "codec", "picked", "confidence"),
    [
        (LATIN, "latin-1", "cp1252", 1.0),  # Windows-1252 reads every Latin-1 letter the same
        (WESTERN, "cp1252", "cp1252", 1.0),
        (GBK, "gbk", "gb18030", 1.0),
        (EXTENDED, "gb18030", "gb18030", 1.0),
        (TRADITIONAL, "big5", "big5", 0.985),
    ],
    ids=["latin-1", "windows-1252", "gbk", "gb18030", "big5"],
)
def test_the_encoding_that_reads_the_file_best_is_picked(
    tmp_path: Path, text: str, codec: str, picked: str, confidence: float
) -> None:
    assert cells(written(tmp_path, text, codec)) == (picked, confidence, rows(text), ())


@pytest.mark.parametrize("rows_of_chinese", [1, 2])
def test_short_gbk_files_are_gb18030(tmp_path: Path, rows_of_chinese: int) -> None:
    text = "订单号,收货人,电话\n" + "".join(f"SD00{i},王五,1380013800{i}\n" for i in range(rows_of_chinese))
    assert cells(written(tmp_path, text, "gbk")) == ("gb18030", 1.0, rows(text), ())


def test_a_latin1_file_that_gb18030_decodes_too_is_not_read_as_chinese(tmp_path: Path) -> None:
    path = written(tmp_path, "Année,Total\n2024,12\n", "latin-1")
    assert path.read_bytes().decode("gb18030") == "Ann閑,Total\n2024,12\n"
    assert cells(path)[:3] == ("cp1252", 1.0, [["Année", "Total"], ["2024", "12"]])


def test_a_file_the_sample_cannot_decide_is_read_with_a_warning_naming_the_encoding_line(tmp_path: Path) -> None:
    """One Chinese character: as GBK 京, as Big5 儔; neither reads worse."""
    encoding, confidence, table, notes = cells(written(tmp_path, "id,city\n1,京\n", "gbk"))
    assert (encoding, confidence, table) == ("gb18030", 0.0, [["id", "city"], ["1", "京"]])
    assert notes == (
        (
            "encoding guessed as gb18030 with low confidence (0.00; big5 reads it almost as well): check the text, "
            "and set `encoding: gb18030` (or `encoding: big5`) in the input to decide"
        ),
    )


def test_a_given_encoding_wins(tmp_path: Path) -> None:
    ambiguous = written(tmp_path, "id,city\n1,京\n", "gbk")
    assert cells(ambiguous, "big5") == ("big5", None, [["id", "city"], ["1", "儔"]], ())
    latin = written(tmp_path, LATIN, "latin-1", "latin.csv")
    assert cells(latin, "latin-1") == ("iso8859-1", None, rows(LATIN), ())
    assert cells(latin, "gb18030")[2][0] == ["Nom", "Ann閑", "Ville"]  # as asked, though it reads wrong
    assert cells(written(tmp_path, GBK, "utf-8", "utf8.csv"), "utf-8")[:2] == ("utf-8", None)


@pytest.mark.parametrize(
    ("bom", "codec", "picked"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    ],
)
def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path, bom: bytes, codec: str, picked: str) -> None:
    """Excel's "Unicode Text": UTF-16 with a BOM, tab-separated, CRLF line ends."""
    text = EXTENDED.replace(",", "\t").replace("\n", "\r\n")
    path = tmp_path / "export.txt"
    path.write_bytes(bom + text.encode(codec))
    assert cells(path) == (picked, 1.0, rows(EXTENDED), ())


def test_utf16_without_a_byte_order_mark_is_read_by_its_zero_bytes_with_a_note(tmp_path: Path) -> None:
    encoding, confidence, table, notes = cells(written(tmp_path, GBK, "utf-16-le"))
    assert (encoding, confidence, table) == ("utf-16-le", 1.0, rows(GBK))
    assert notes == ("no byte-order mark: read as utf-16-le by its zero bytes; set `encoding: utf-16-le` to say so",)


def test_a_given_utf16_encoding_is_read(tmp_path: Path) -> None:
    assert cells(written(tmp_path, GBK, "utf-16-be"), "utf-16-be") == ("utf-16-be", None, rows(GBK), ())


def test_lines_far_into_the_file_decide_when_the_head_is_ascii(tmp_path: Path) -> None:
    """The sample starts at the first line that is not UTF-8, however far down it is."""
    text = "Nom,Ville\n" + "Dupont,Paris\n" * 200_000 + "Lefèvre,Orléans\n"
    path = written(tmp_path, text, "latin-1")
    encoding, confidence, table, _ = cells(path)
    assert (encoding, confidence, table[-1], len(table)) == ("cp1252", 1.0, ["Lefèvre", "Orléans"], 200_002)


def test_the_guess_on_a_sample_of_text() -> None:
    assert guess("Année,Total\n".encode("latin-1")) is not None
    found = guess("京".encode("gbk"))
    assert found is not None and (found.codec, found.rival, found.low) == ("gb18030", "big5", True)
