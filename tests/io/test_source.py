"""toolkit.io.source.TableSource: the `input:` block of a job's config."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest

from toolkit.io import TableSource


def test_defaults_read_the_first_sheet_from_row_one_and_detect_the_rest() -> None:
    source = TableSource.model_validate({"path": "orders.xlsx"})
    assert source.model_dump() == {
        "path": Path("orders.xlsx"),
        "sheet": None,
        "header_row": 1,
        "encoding": None,
        "delimiter": None,
        "quotechar": None,
        "escapechar": None,
        "comment": None,
        "columns": {},
        "date_formats": {},
        "yearless_future_days": 31,
    }


def test_a_config_block_as_a_team_writes_it() -> None:
    source = TableSource.model_validate(
        {"path": "in/orders.csv", "header_row": 3, "encoding": "gbk", "columns": {"运单编号": "order_id"}}
    )
    assert (source.header_row, source.encoding, source.columns) == (3, "gbk", {"运单编号": "order_id"})


@pytest.mark.parametrize(
    "bad",
    [
        {"path": "a.csv", "header_row": 0},
        {"path": "a.csv", "delimiter": ",,"},
        {"path": "a.xlsx", "sheet": -1},
        {"path": "a.csv", "sheeet": "x"},  # a typo is an error, not ignored
    ],
)
def test_invalid_settings_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError):
        TableSource.model_validate(bad)


def test_it_can_be_subclassed_to_validate_the_path() -> None:
    class ExistingSource(TableSource):
        path: pydantic.FilePath

    with pytest.raises(pydantic.ValidationError):
        ExistingSource.model_validate({"path": "/no/such/file.csv"})
