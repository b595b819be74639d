"""Template filters a customer-service team needs, Chinese by default and English by locale.

Each filter is a plain function of a value (and options); `filters_for(locale)` binds the
locale and gives the table the template environment registers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import partial
from typing import Any

from toolkit.i18n import DEFAULT_LOCALE, EN
from toolkit.masking import mask_phone

_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _money(number: Decimal) -> Decimal:
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP, context=Context(prec=400))


def cny(value: float | int | str | Decimal | None, style: str = "symbol") -> str:
    """`cny(1234.5)` → `¥1,234.50`; `cny(1234.5, "yuan")` → `1234.5元` (no trailing zeros)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:  # not a number: show it as it is rather than fail the whole batch
        return str(value)
    if not number.is_finite():
        return ""
    amount = _money(number)
    if style == "yuan":
        text = format(amount.normalize(), "f")
        return f"{text}元"
    if style != "symbol":
        raise ValueError(f"cny style must be 'symbol' or 'yuan', not {style!r}")
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def cn_date(value: date | datetime | None, locale: str = DEFAULT_LOCALE) -> str:
    """`11月22日` (English: `22 Nov`)."""
    if value is None:
        return ""
    return value.strftime("%d %b").lstrip("0") if locale == EN else f"{value.month}月{value.day}日"


def cn_hour(value: datetime | None, locale: str = DEFAULT_LOCALE) -> str:
    """`15点` or `15点30分` (English: `15:00`, `15:30`); `{{ due|cn_hour }}前` gives 15点前."""
    if value is None:
        return ""
    if locale == EN:
        return f"{value.hour:02d}:{value.minute:02d}"
    return f"{value.hour}点" + (f"{value.minute}分" if value.minute else "")


def weekday(value: date | datetime | None, locale: str = DEFAULT_LOCALE) -> str:
    """`周一` … `周日` (English: `Mon` … `Sun`)."""
    if value is None:
        return ""
    return _WEEKDAYS_EN[value.weekday()] if locale == EN else f"周{_WEEKDAYS_ZH[value.weekday()]}"


def duration(value: timedelta | float | int | None, locale: str = DEFAULT_LOCALE) -> str:
    """A timedelta, or a number of hours: `2小时30分`, `45分`, `3小时` (English: `2 h 30 min`)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    minutes = round((value.total_seconds() / 60) if isinstance(value, timedelta) else float(value) * 60)
    sign, minutes = ("-" if minutes < 0 else ""), abs(minutes)
    hours, rest = divmod(minutes, 60)
    if locale == EN:
        parts = [f"{hours} h"] * bool(hours) + [f"{rest} min"] * bool(rest or not hours)
        return sign + " ".join(parts)
    return sign + (f"{hours}小时" if hours else "") + (f"{rest}分" if rest or not hours else "")


def num(value: float | int | None) -> str:
    """A quantity as people write it: `20.0` → `20`, `0.20` → `0.2`, `1234.5` → `1234.5`."""
    if value is None:
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:  # not a number: show it as it is rather than fail the whole batch
        return str(value)
    return format(number.normalize(), "f") if number.is_finite() else ""


def pickup_hint(
    order_time: datetime | None, locale: str = DEFAULT_LOCALE, cutoff: time = time(10), last: time = time(16)
) -> str:
    """The pickup-before hint of a dispatch SMS, by the manual's cut-offs: ordered before the
    morning cut-off → `15点前`; before 16:00 → `当天`; later → `次日上午`."""
    if order_time is None:
        return ""
    clock = order_time.time()
    if clock < cutoff:
        return "by 15:00" if locale == EN else "15点前"
    if clock < last:
        return "today" if locale == EN else "当天"
    return "next morning" if locale == EN else "次日上午"


def truncate_chars(value: Any, length: int, end: str = "…") -> str:
    """At most `length` characters, the ending included: SMS budgets count characters."""
    text = "" if value is None else str(value)
    if len(text) <= length:
        return text
    return text[: max(length - len(end), 0)] + end[:length]


def filters_for(locale: str) -> dict[str, Callable[..., str]]:
    """The filters templates may use, bound to the batch's locale."""
    return {
        "mask_phone": mask_phone,
        "cny": cny,
        "cn_date": partial(cn_date, locale=locale),
        "cn_hour": partial(cn_hour, locale=locale),
        "weekday": partial(weekday, locale=locale),
        "duration": partial(duration, locale=locale),
        "hours": partial(duration, locale=locale),
        "truncate_chars": truncate_chars,
        "num": num,
        "pickup_hint": partial(pickup_hint, locale=locale),
    }
