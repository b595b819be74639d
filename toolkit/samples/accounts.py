"""`generate_accounts`: a key-account ledger (大客户台账) and its contact log (客户维护记录) as of
2026-11-22, for the account_care job, with planted cases its tests find exactly.

Every account but the planted ones is exactly on its tier's pace: as many calls, mails, meetings,
regular meetings and visits in the current block as are due by the as-of day (each made before
its slot's day), and its holiday gifts in their windows. Contacts of earlier months (which the
current month does not count) are added for a real log's look. The planted ones:

- `behind_calls`: a 20万以上 account without a call this month;
- `ahead`: a 5-10万 account with the whole month's calls already made;
- `gap`: an account averaging 15万 a month, in the source's 10–20万 gap (no tier);
- `apology`: a 20万以上 account that has a claim in the claims ledger this quarter and no apology;
- `gift`: a 20万以上 account that got no gift before 中秋 (2026-09-25), though one before 国庆.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.care.fields import ACCOUNT_FIELDS, CONTACT_FIELDS
from toolkit.care.holidays import holidays
from toolkit.care.periods import block, slot_deadlines, workdays, workdays_before
from toolkit.care.tiers import CADENCED, load_tiers
from toolkit.samples import vocab
from toolkit.samples.people import company_names, person_names
from toolkit.samples.phones import mobile_digits

AS_OF = date(2026, 11, 22)
MONTH_HEADERS = ("8月营收", "9月营收", "10月营收")
"""The ledger's last three full months of revenue, which the job averages (`revenue_months`)."""
GIFT_DAYS = 10  # the job's default gift window
PLANTED = ("behind_calls", "ahead", "gap", "apology", "gift")
_TIER_MEANS = {"1-5万": (12_000, 45_000), "5-10万": (55_000, 95_000), "20万以上": (220_000, 600_000)}
_TIER_COUNTS = {"1-5万": 14, "5-10万": 10, "20万以上": 8}
_KIND_WORDS = {
    "call": ("电话", "电话沟通"),
    "email_fax": ("邮件", "传真", "EMAIL"),
    "meeting": ("面谈", "拜访"),
    "regular_meeting": ("见面会", "例会"),
    "visit": ("高层拜访",),
    "gift": ("赠礼", "节日礼品"),
}
_SENIOR = ("总经理 周建国", "副总经理 钱海燕")


@dataclass(frozen=True)
class GeneratedAccounts:
    accounts: pl.DataFrame  # Chinese headers, every cell text
    contacts: pl.DataFrame
    planted: pl.DataFrame  # case, account


def _months(rng: np.random.Generator, mean: float) -> list[str]:
    """Three months whose average is `mean` to the yuan."""
    a, b = rng.uniform(-0.12, 0.12, 2)
    values = [round(mean * (1 + a)), round(mean * (1 + b))]
    values.append(round(3 * mean) - sum(values))
    return [str(v) for v in values]


def _before(calendar: WorkCalendar, deadline: date, start: date, back: int) -> date:
    """A working day `back` working days before `deadline`, not before `start`."""
    days = workdays(calendar, start, deadline)
    return days[max(0, len(days) - 1 - back)]


def generate_accounts(*, seed: int = 23, as_of: date = AS_OF, claims: pl.DataFrame | None = None) -> GeneratedAccounts:
    """The ledger and the contact log. `claims` (the claims ledger as written, Chinese headers):
    the planted `apology` account is its first company customer with an incident this quarter,
    and no other account shares a claims customer's name."""
    rng = np.random.default_rng(seed)
    calendar = WorkCalendar()
    table = load_tiers()
    tiers = {t.name: t for t in table.tiers}
    quarter_start, _ = block(as_of, 3)
    claimed: list[str] = []
    apology_account = "宁波海联电子科技有限公司"
    if claims is not None and claims.height:
        companies = claims.filter(
            pl.col("客户").str.ends_with("公司"),
            pl.col("出险日期").str.to_date(strict=False).is_between(quarter_start, as_of),
        ).sort("出险日期")
        claimed = claims["客户"].unique().to_list()
        if companies.height:
            apology_account = companies["客户"][0]

    managers = person_names(rng, 5, 0.0).unique(maintain_order=True).to_list()
    phones = dict(zip(managers, mobile_digits(rng, len(managers)).to_list(), strict=True))
    cities = pl.Series([c.name for c in vocab.SERVED_CITIES])
    names = [
        n
        for n in company_names(rng, cities.sample(120, with_replacement=True, seed=seed))
        .unique(maintain_order=True)
        .to_list()
        if n not in claimed and n != apology_account
    ]

    rows: list[dict] = []
    planted: list[tuple[str, str]] = []
    cursor = 0
    for tier_name, count in _TIER_COUNTS.items():
        low, high = _TIER_MEANS[tier_name]
        for _ in range(count):
            rows.append({"account": names[cursor], "tier": tier_name, "mean": float(rng.uniform(low, high))})
            cursor += 1
    # the planted cases, at fixed places in the ledger
    rows[-1]["case"] = "behind_calls"
    rows[_TIER_COUNTS["1-5万"] + 2]["case"] = "ahead"
    rows[-3]["case"] = "gift"
    rows.append({"account": apology_account, "tier": "20万以上", "mean": 260_000.0, "case": "apology"})
    rows.append({"account": names[cursor], "tier": None, "mean": 150_000.0, "case": "gap"})
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    for i, row in enumerate(rows):
        row["manager"] = managers[i % len(managers)]
        if "case" in row:
            planted.append((row["case"], row["account"]))

    days_off = holidays(range(as_of.year - 1, as_of.year + 2), calendar)
    half_start, _ = block(as_of, 6)
    contacts: list[tuple[str, date, str, str]] = []
    for row in rows:
        tier = tiers.get(row["tier"]) if row["tier"] else None
        account, manager, case = row["account"], row["manager"], row.get("case")
        # an earlier month's calls and mails, which this month does not count
        october = workdays(calendar, date(2026, 10, 9), date(2026, 10, 30))
        for d in rng.choice(len(october), 2, replace=False):
            contacts.append((account, october[int(d)], str(rng.choice(_KIND_WORDS["call"])), manager))
        if tier is None:
            continue
        for item in CADENCED:
            cadence = tier.cadence(item)
            if cadence is None:
                continue
            start, end = block(as_of, cadence.months)
            deadlines = slot_deadlines(calendar, start, end, cadence.times)
            due = [d for d in deadlines if d < as_of]
            made = list(due)
            if item == "call" and case == "behind_calls":
                made = []
            if item == "call" and case == "ahead":
                made = deadlines  # the month's calls all made by the as-of day
            for k, deadline in enumerate(made):
                slot_start = start if k == 0 else deadlines[k - 1]
                day = _before(calendar, min(deadline, as_of), slot_start, int(rng.integers(0, 3)))
                if day >= as_of:
                    day = _before(calendar, as_of, slot_start, 1)
                who = str(rng.choice(_SENIOR)) if item == "visit" else manager
                contacts.append((account, day, str(rng.choice(_KIND_WORDS[item])), who))
        for holiday, first_day in days_off.select("holiday", "first_day").iter_rows():
            if holiday not in table.holidays(tier) or first_day < half_start or first_day > as_of:
                continue
            if case == "gift" and holiday == "中秋":
                continue
            window = workdays_before(calendar, first_day, GIFT_DAYS)
            contacts.append((account, window[-1], str(rng.choice(_KIND_WORDS["gift"])), manager))
    # two contacts by WeChat, a kind the tier table does not count
    contacts.append((rows[0]["account"], date(2026, 11, 12), "微信", rows[0]["manager"]))
    contacts.append((rows[1]["account"], date(2026, 11, 13), "微信", rows[1]["manager"]))

    headers = {f.name: f.label_zh for f in ACCOUNT_FIELDS}
    ledger = pl.DataFrame(
        [
            {
                headers["account"]: r["account"],
                headers["manager"]: r["manager"],
                headers["manager_phone"]: phones[r["manager"]],
                **dict(zip(MONTH_HEADERS, _months(rng, r["mean"]), strict=True)),
            }
            for r in rows
        ]
    )
    contact_headers = [f.label_zh for f in CONTACT_FIELDS]
    log = (
        pl.DataFrame(contacts, schema=["a", "d", "k", "w"], orient="row")
        .sort("d", "a", maintain_order=True)
        .select(
            pl.col("a").alias(contact_headers[0]),
            pl.col("d").dt.strftime("%Y-%m-%d").alias(contact_headers[1]),
            pl.col("k").alias(contact_headers[2]),
            pl.col("w").alias(contact_headers[3]),
        )
    )
    planted_frame = pl.DataFrame(planted, schema=["case", "account"], orient="row").sort("case")
    return GeneratedAccounts(ledger, log, planted_frame)


def write_account_samples(out_dir: Path, claims: pl.DataFrame | None = None) -> list[Path]:
    """accounts.csv, contacts.csv (UTF-8 with a BOM, as Excel in China opens them) and
    planted_accounts.csv (the planted cases, UTF-8)."""
    generated = generate_accounts(claims=claims)
    paths = [out_dir / "accounts.csv", out_dir / "contacts.csv", out_dir / "planted_accounts.csv"]
    generated.accounts.write_csv(paths[0], include_bom=True)
    generated.contacts.write_csv(paths[1], include_bom=True)
    generated.planted.write_csv(paths[2])
    return paths


__all__ = ["AS_OF", "MONTH_HEADERS", "PLANTED", "GeneratedAccounts", "generate_accounts", "write_account_samples"]
