"""SMS length against the published segment rules of the Chinese platforms and of GSM 03.38."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.messages.length import SmsLength, cn_length_expr, sms_length

SIGNATURE = "【顺达物流】"  # 6 characters, brackets included


@pytest.mark.parametrize(("characters", "parts"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (500, 8)])
def test_cn_counts_every_character_once_in_parts_of_67(characters: int, parts: int) -> None:
    assert sms_length("货" * characters) == SmsLength(characters, "cn", parts, "cn")


def test_cn_counts_the_signature_and_latin_and_full_width_alike() -> None:
    text = "[110310221]客王先生138****3212配件5件20公斤0.2方往杭州马先生139****0000现付。加提货费100,15点前提。[8011]"
    assert sms_length(text, signature=SIGNATURE).characters == len(text) + 6
    assert sms_length("ＡＢＣ abc", "cn").characters == 7
    assert sms_length("货" * 64, signature=SIGNATURE).parts == 1  # 70 with the signature
    assert sms_length("货" * 65, signature=SIGNATURE).parts == 2  # 71


def test_cn_over_500_characters_cannot_be_sent() -> None:
    assert not sms_length("a" * 500).too_long
    assert sms_length("a" * 501).too_long


@pytest.mark.parametrize(("septets", "parts"), [(160, 1), (161, 2), (306, 2), (307, 3)])
def test_gsm7_counts_septets_160_then_153_per_part(septets: int, parts: int) -> None:
    assert sms_length("a" * septets, "gsm") == SmsLength(septets, "GSM-7", parts, "gsm")


def test_gsm7_extension_characters_count_two_and_are_never_split() -> None:
    assert sms_length("€" * 80, "gsm") == SmsLength(160, "GSM-7", 1, "gsm")
    assert sms_length("{" * 81, "gsm").parts == 2
    # 306 septets would fit two parts, but the euro after 152 letters does not fit the first.
    assert sms_length("a" * 152 + "€" * 77, "gsm") == SmsLength(306, "GSM-7", 3, "gsm")


@pytest.mark.parametrize(("characters", "parts"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_anything_outside_gsm7_is_ucs2_70_then_67(characters: int, parts: int) -> None:
    assert sms_length("货" * characters, "gsm") == SmsLength(characters, "UCS-2", parts, "gsm")


def test_emoji_take_two_ucs2_units_and_are_never_split() -> None:
    assert sms_length("😀" * 35, "gsm") == SmsLength(70, "UCS-2", 1, "gsm")
    assert sms_length("😀" * 36, "gsm") == SmsLength(72, "UCS-2", 2, "gsm")
    # 134 units would fit two parts of 67, but 67 is odd: each part holds only 33 emoji.
    assert sms_length("😀" * 67, "gsm") == SmsLength(134, "UCS-2", 3, "gsm")


def test_the_chinese_signature_brackets_force_ucs2_on_gsm_gateways() -> None:
    assert sms_length("Your parcel is out for delivery", "gsm", signature=SIGNATURE).encoding == "UCS-2"


def test_an_unknown_counting_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown SMS counting 'sms'"):
        sms_length("x", "sms")  # type: ignore[arg-type]


@given(st.text(max_size=400))
def test_parts_never_fewer_than_the_units_need(text: str) -> None:
    for counting in ("cn", "gsm"):
        length = sms_length(text, counting)  # type: ignore[arg-type]
        single = 160 if length.encoding == "GSM-7" else 70
        per_part = 153 if length.encoding == "GSM-7" else 67
        if length.characters <= single:
            assert length.parts == 1
        else:
            assert length.parts >= -(-length.characters // per_part)


def test_the_column_form_of_cn_counting_agrees_with_the_function() -> None:
    texts = ["货" * n for n in (1, 64, 65, 128, 129, 494)]
    characters, parts = cn_length_expr(pl.col("text"), SIGNATURE)
    frame = pl.DataFrame({"text": texts}).select(characters.alias("characters"), parts.alias("parts"))
    expected = [sms_length(t, "cn", SIGNATURE) for t in texts]
    assert frame.rows() == [(e.characters, e.parts) for e in expected]
