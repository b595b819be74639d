"""toolkit.io.headers: the headers people write, mapped to canonical column names."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import InputError
from toolkit.io.headers import map_columns, normalise_header

FILE = Path("orders.xlsx")
ALIASES = {
    "order_id": ("订单号", "运单号"),
    "weight_kg": ("重量", "重量(公斤)"),
    "consignee_address": ("收货地址",),
    "shipper_phone": ("发货人电话", "Shipper phone"),
}


@pytest.mark.parametrize(
    ("written", "compared"),
    [
        ("收货地址 ", "收货地址"),
        ("\u3000收货地址\u3000", "收货地址"),
        ("\ufeff订单号", "订单号"),
        ("重量（公斤）", "重量(公斤)"),
        ("Shipper  Phone", "shipper phone"),
        ("ＳＨＩＰＰＥＲ　ＰＨＯＮＥ", "shipper phone"),
        ("体积(m³)", "体积(m3)"),
    ],
)
def test_headers_are_compared_in_a_normal_form(written: str, compared: str) -> None:
    assert normalise_header(written) == compared


def test_mapped_columns_get_canonical_names_and_the_rest_keep_their_header() -> None:
    mapped = map_columns(["运单号", "收货地址 ", "重量（公斤）", " 备注 ", None, "备注"], ALIASES, {}, (), FILE)
    assert mapped.names == ["order_id", "consignee_address", "weight_kg", "备注", "column_5", "备注_2"]
    assert mapped.headers == {
        "order_id": "运单号",
        "consignee_address": "收货地址 ",
        "weight_kg": "重量（公斤）",
        "备注": " 备注 ",
        "column_5": "",
        "备注_2": "备注_2",  # the doubled header shows as the name it was given, so no two columns look alike
    }
    assert mapped.notes == ("2 columns are headed '备注': read as '备注', '备注_2', in file order",)


def test_a_canonical_name_matches_itself() -> None:
    assert map_columns(["order_id", "SHIPPER_PHONE"], ALIASES, {}, (), FILE).names == ["order_id", "shipper_phone"]


def test_columns_from_the_config_override_the_aliases() -> None:
    mapped = map_columns(["运单号", "订单编号"], ALIASES, {"订单编号": "order_id"}, ["order_id"], FILE)
    assert mapped.names == ["运单号", "order_id"]


def test_two_columns_for_one_field_is_an_error() -> None:
    with pytest.raises(InputError) as caught:
        map_columns(["订单号", "运单号"], ALIASES, {}, (), FILE)
    assert str(caught.value) == (
        "orders.xlsx: columns '订单号' and '运单号' both map to field 'order_id'; "
        "remove one or map one to another name under `columns:`"
    )
    assert caught.value.exit_code == 2


def test_a_missing_required_column_names_the_field_the_accepted_headers_and_the_headers_found() -> None:
    with pytest.raises(InputError) as caught:
        map_columns(["单号", "地址"], ALIASES, {}, ["order_id", "consignee_address"], FILE)
    assert str(caught.value) == (
        "orders.xlsx: no column for 'order_id' (accepted headers: 订单号, 运单号); "
        "no column for 'consignee_address' (accepted headers: 收货地址); headers found: '单号', '地址'"
    )


def test_a_header_named_in_columns_must_exist() -> None:
    with pytest.raises(InputError) as caught:
        map_columns(["单号"], ALIASES, {"订单编号": "order_id"}, (), FILE)
    assert (
        str(caught.value)
        == "orders.xlsx: header '订单编号' named under `columns:` is not in the file; headers found: '单号'"
    )


def test_an_alias_shared_by_two_fields_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="alias of both"):
        map_columns(["重量"], {"weight_kg": ("重量",), "volume_m3": ("重量",)}, {}, (), FILE)


def test_an_unmapped_header_never_takes_the_row_column_name() -> None:
    assert map_columns(["_row", "订单号"], ALIASES, {}, (), FILE).names == ["_row_2", "order_id"]
