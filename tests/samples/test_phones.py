"""Generated phone numbers, valid and invalid, as the phonenumbers library judges them."""

from __future__ import annotations

import numpy as np
import polars as pl

from tests.support.samples_reference import valid_phone
from toolkit.samples import vocab
from toolkit.samples.people import city_table
from toolkit.samples.phones import MobileStyle, format_mobile, invalid_phones, landlines, mobile_digits


def test_mobiles_in_every_style_are_valid() -> None:
    rng = np.random.default_rng(1)
    digits = mobile_digits(rng, 700)
    styles = np.arange(700) % len(MobileStyle)
    assert all(valid_phone(p) for p in format_mobile(digits, styles))


def test_landlines_of_every_city_are_valid() -> None:
    rng = np.random.default_rng(2)
    cities = city_table(vocab.SERVED_CITIES)
    idx = np.repeat(np.arange(len(cities)), 25)
    phones = landlines(rng, cities["area_code"].gather(idx), cities["local_digits"].to_numpy()[idx])
    assert all(valid_phone(p) for p in phones), [p for p in phones if not valid_phone(p)][:5]


def test_invalid_phones_are_invalid() -> None:
    phones = invalid_phones(np.random.default_rng(3), 3000)
    assert not any(valid_phone(p) for p in phones), [p for p in phones if valid_phone(p)][:5]
    assert pl.Series(phones).str.contains(r"^1\d{9}$").any()  # 10 digits
    assert pl.Series(phones).str.contains(r"^\d{8}$").any()  # landline without area code
