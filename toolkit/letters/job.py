"""The `render_letters` job: claim letters (致歉信, 商洽函) from a claims ledger, one HTML file per
letter, one printable file per kind, an index table, and PDFs where WeasyPrint is installed.

Which claim gets which letter is a rule on its status (the manual: a written claim is answered
first with an apology, then with a negotiation letter): by default an apology for every claim
still open, a negotiation letter for every claim open or with a proposal under discussion.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import Field

from toolkit.claims.fields import CLAIM_FIELDS
from toolkit.claims.prepare import REQUIRED, TIME_FIELDS, Claims, Deadlines, prepare_claims
from toolkit.config.inputs import TableInput
from toolkit.config.models import Strict
from toolkit.config.paths import ExistingFile
from toolkit.fields import ROW, alias_table
from toolkit.i18n import Text
from toolkit.io import atomic_path, read_table, write_text
from toolkit.job import InputRecord, JobCheck, JobConfig, JobContext, JobKind, JobResult
from toolkit.letters.render import LetterTemplate
from toolkit.rules import FINDING_SCHEMA

LetterKind = Literal["apology", "negotiation"]
Status = Literal["open", "proposed", "settled", "rejected"]
DEFAULT_STATUSES: dict[str, list[Status]] = {"apology": ["open"], "negotiation": ["open", "proposed"]}
TITLES = {"apology": Text("致歉信", "Letters of apology"), "negotiation": Text("商洽函", "Negotiation letters")}
PDF_MISSING = (
    "PDF not written: WeasyPrint is not installed (pip install 'cs-toolkit[pdf]'); the HTML letters are written"
)


class Company(Strict):
    """Who signs the letters."""

    name: str
    department: str = ""
    contact: str = ""
    phone: str = ""
    address: str = ""


class LetterConfig(Strict):
    template: ExistingFile
    statuses: list[Status] | None = None  # the claims that get this letter; default by kind


class RenderLettersConfig(JobConfig):
    """Render claim letters for printing."""

    kind: Literal["render_letters"]
    input: TableInput
    company: Company
    letters: dict[LetterKind, LetterConfig] = Field(min_length=1)
    deadlines: Deadlines = Deadlines()
    pdf: bool = False


def statuses(kind: str, letter: LetterConfig) -> list[str]:
    return list(letter.statuses if letter.statuses is not None else DEFAULT_STATUSES[kind])


def file_stem(claim_id: str) -> str:
    """A claim id as a file name: path separators and characters Windows refuses become `_`."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", claim_id).strip("._") or "claim"


def select_letters(claims: pl.DataFrame, letters: dict[str, LetterConfig]) -> pl.DataFrame:
    """One row per letter to write: kind, claim_id and the file it goes to (relative)."""
    parts = [
        claims.filter(pl.col("status").is_in(statuses(kind, letter))).select(
            kind=pl.lit(kind),
            claim_id=pl.col("claim_id"),
            file=pl.lit(f"letters/{kind}/")
            + pl.col("claim_id").map_elements(file_stem, return_dtype=pl.String)
            + ".html",
        )
        for kind, letter in letters.items()
    ]
    return pl.concat(parts)


def _pdf(html: str, path: Path, base: Path) -> None:
    from weasyprint import HTML  # the optional extra `cs-toolkit[pdf]`

    with atomic_path(path) as tmp:
        HTML(string=html, base_url=str(base)).write_pdf(tmp)


def _weasyprint_missing() -> bool:
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return True
    return False


def _read_claims(config: RenderLettersConfig, context: JobContext, job: JobResult) -> Claims:
    source = context.source(config.input)
    times = context.times(source, TIME_FIELDS)
    with read_table(source, alias_table(CLAIM_FIELDS), required=REQUIRED) as table:
        claims = prepare_claims(
            table.frame,
            calendar=context.calendar,
            deadlines=config.deadlines,
            as_of=context.as_of.date(),
            timezone=context.timezone,
            locale=context.locale,
            times=times,
        )
    job.inputs.append(InputRecord.of_table(table))
    context.note_read(job, table)
    context.note_unreadable(job, claims.unreadable, table, times)
    return claims


def run(config: RenderLettersConfig, context: JobContext) -> JobResult:
    templates = {kind: LetterTemplate.load(letter.template, context.locale) for kind, letter in config.letters.items()}
    job = JobResult()
    claims = _read_claims(config, context, job)
    deadlines = (
        claims.valid[c] for c in ("evidence_due", "insurer_due", "proposal_due", "escalation_due")
    )  # in working days
    for warning in (
        context.calendar.warn_uncovered_times("claims' working-day deadlines", *deadlines)
        if claims.valid.height
        else []
    ):
        context.log(f"warning: {warning}")
    shared = {"company": config.company.model_dump(), "letter_date": context.run_date, "locale": context.locale}
    for template in templates.values():
        template.check_columns([*claims.valid.columns, *shared])
    index = select_letters(claims.valid, config.letters)
    by_id = {row["claim_id"]: row for row in claims.valid.iter_rows(named=True)}
    pdf = config.pdf and not _weasyprint_missing()
    if config.pdf and not pdf:
        context.log(f"warning: {PDF_MISSING}")

    job.inputs.extend(InputRecord.of(t.path) for t in templates.values())
    about = context.about(context.source(config.input).path)
    for kind, template in templates.items():
        rows = index.filter(pl.col("kind") == kind)
        letters = []
        for claim_id, file in rows.select("claim_id", "file").iter_rows():
            letter = template.render({**by_id[claim_id], **shared})
            letters.append(letter)
            html = template.document_html([letter], title=f"{TITLES[kind].get(context.locale)} {claim_id}", about=about)
            write_text(html, context.output(file))
            if pdf:
                _pdf(html, context.output(file).with_suffix(".pdf"), context.out_dir)
        combined = template.document_html(
            letters, title=f"{TITLES[kind].get(context.locale)} · {context.run_date}", about=about
        )
        write_text(combined, context.output(f"letters_{kind}.html"))
        job.add_output(context.output(f"letters_{kind}.html"), len(letters))
        if pdf:
            _pdf(combined, context.output(f"letters_{kind}.pdf"), context.out_dir)
            job.add_output(context.output(f"letters_{kind}.pdf"), len(letters))
        job.counts[kind] = len(letters)

    facts = index.join(claims.valid, on="claim_id", how="left")
    job.counts.update(claims=claims.valid.height + claims.rejected.height, refused=claims.rejected.height)
    job.publish(context, {"letters": facts, "claims": claims.valid, "findings": claims.findings})
    job.result = claims
    return job


LETTER_VALUES = ("company", "letter_date", "locale")  # what a letter sees beside its claim's columns


def check(config: RenderLettersConfig, preflight: JobCheck) -> None:
    """`toolkit check`: the ledger has the columns every letter states, and each letter template
    (and the layouts it extends) names only the claims' columns and the letter's own values."""
    preflight.table(("input",), config.input, alias_table(CLAIM_FIELDS), REQUIRED, TIME_FIELDS)
    claims = preflight.published("claims")
    values = None if claims is None else (*claims, *LETTER_VALUES)
    for kind, letter in config.letters.items():
        key = ("letters", kind, "template")
        template = preflight.opens(key, partial(LetterTemplate.load, letter.template, preflight.locale))
        preflight.variables(key, template, values)


CLAIM_FACTS = (
    "incident_label",
    "payer_label",
    "status_label",
    "valuation_basis",
    "valuation_basis_label",
    "valuation_price",
    "liability_cap",
    "proposed_amount",
    "evidence_due",
    "insurer_due",
    "proposal_due",
    "escalation_due",
    "payment_due",
    "proposal_late",
    "payment_late",
)  # toolkit.claims.prepare.claim_facts
CLAIMS = (ROW, *(f.name for f in CLAIM_FIELDS), *CLAIM_FACTS)
PUBLISHES = {
    "letters": ("kind", "file", *CLAIMS),  # one per letter, with its claim's columns
    "claims": CLAIMS,  # the claims letters can be written for
    "findings": tuple(FINDING_SCHEMA),
}

RENDER_LETTERS = JobKind(
    "render_letters",
    RenderLettersConfig,
    run,
    check,
    publishes=PUBLISHES,
    passes_through={"letters": "input", "claims": "input"},
)
