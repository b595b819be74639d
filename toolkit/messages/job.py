"""The `render_messages` job: render a template for every row of a table (another job's output
or a file), address the recipients, and leave an outbox the team uploads or prints. Nothing is
sent to any network."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import polars as pl
from pydantic import BeforeValidator, Field, PositiveInt, field_validator, model_validator

from toolkit.config.inputs import InputFile, TableInput
from toolkit.config.models import Strict
from toolkit.config.paths import ExistingFile
from toolkit.errors import InputError
from toolkit.fields import ROW
from toolkit.i18n import EN
from toolkit.io import Table, read_table
from toolkit.job import InputRecord, JobCheck, JobConfig, JobContext, JobKind, JobOutputRef, JobResult
from toolkit.messages.columns import ColumnValue, selected, uncovered_warnings, with_config_columns
from toolkit.messages.outbox import branches_of, preview_html, split_warning, write_outbox
from toolkit.messages.render import Recipient, RenderResult, SmsRules, render_messages, whole_phones
from toolkit.messages.serials import reserve_serials
from toolkit.messages.upload import (
    PlatformUpload,
    described_variables,
    platform_upload,
    variable_values,
    write_platform_files,
)
from toolkit.rules import FINDING_SCHEMA
from toolkit.templating.environment import MessageTemplate


class RecipientConfig(Strict):
    role: str
    phone: str
    name: str | None = None
    mask: bool = True
    """Phones the template masks (`|mask_phone`) stay masked in this recipient's text: the default,
    for third parties (customers, carriers, drivers). `mask: false` for the team's own salesperson
    and dispatcher, who must call the shipper: the same template with the numbers whole (also in
    the platform variables), and their own number shown whole in preview.html."""


class SmsConfig(Strict):
    counting: Literal["cn", "gsm"] = "cn"
    signature: str = ""
    max_parts: PositiveInt = 1
    shorten: list[str] = []  # fields that may be cut, in this order, to fit max_parts (goods_name, …)
    price_per_part: Decimal | None = None
    """Yuan per billed part (Chinese platforms: about 0.03-0.05), for the day's bill in
    preview.html; none: the bill counts parts without a cost."""

    @field_validator("price_per_part")
    @classmethod
    def _yuan(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and not 0 < value <= 1:
            raise ValueError(f"price_per_part is yuan per billed part (about 0.03-0.05), got {value}")
        return value

    @field_validator("signature")
    @classmethod
    def _bracketed(cls, value: str) -> str:
        if value and not (value.startswith("【") and value.endswith("】") and 2 <= len(value) - 2 <= 12):
            raise ValueError(f"signature must be 【2 to 12 characters】, got {value!r}")
        return value


class SerialConfig(Strict):
    prefix: str = ""
    width: PositiveInt = 9


class AliyunConfig(Strict):
    template_code: Annotated[str, Field(pattern=r"^SMS_\d+$")]  # the registered template, SMS_123456789
    sign_name: str | None = None  # the bare signature; default: sms.signature without 【】


class PlatformConfig(Strict):
    """The registered template's variables, each a small template over the row, in template
    order ({1}..{N} on Tencent), and which platform files to write."""

    variables: Annotated[dict[Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")], str], Field(min_length=1)]
    tencent: bool = False
    aliyun: AliyunConfig | None = None
    max_chars: PositiveInt = 35  # Aliyun: each variable 1-35 characters
    min_chars: PositiveInt = 1

    @field_validator("variables")
    @classmethod
    def _not_phone(cls, value: dict[str, str]) -> dict[str, str]:
        if "phone" in value:
            raise ValueError("a variable cannot be called `phone`: that is the recipient's number")
        return value

    def templates(self, locale: str) -> dict[str, MessageTemplate]:
        return {
            name: MessageTemplate.inline(text, f"platform.variables.{name}", locale)
            for name, text in self.variables.items()
        }


def _path_only(value: Any) -> Any:
    return {"path": value} if isinstance(value, str) else value


class DirectoryFile(InputFile):
    """A lookup table joined to the input, e.g. branches.csv joined on `branch`."""

    key: str = "branch"  # not `on`: YAML reads a bare `on` as true


class RenderMessagesConfig(JobConfig):
    """Render an SMS template for every row and write the outbox."""

    kind: Literal["render_messages"]
    input: TableInput
    template: ExistingFile
    directory: Annotated[DirectoryFile | None, BeforeValidator(_path_only)] = None
    recipients: list[RecipientConfig] = Field(min_length=1)
    sms: SmsConfig = SmsConfig()
    serial: SerialConfig = SerialConfig()
    platform: PlatformConfig | None = None
    where: dict[str, list[str | int | bool]] = {}  # only rows whose column holds one of these values
    columns: dict[str, ColumnValue] = {}  # added to every row: `compensation: 20`, `expected_at: {working_days: 1}`

    @model_validator(mode="after")
    def _one_mask_per_role(self) -> RenderMessagesConfig:
        masks: dict[str, bool] = {}
        for recipient in self.recipients:
            if masks.setdefault(recipient.role, recipient.mask) != recipient.mask:
                raise ValueError(f"recipients named {recipient.role!r} differ in `mask`: give them one setting")
        return self

    @model_validator(mode="after")
    def _aliyun_signed(self) -> RenderMessagesConfig:
        aliyun = self.platform.aliyun if self.platform else None
        if aliyun and not (aliyun.sign_name or self.sms.signature):
            raise ValueError("platform.aliyun needs a sign_name (or sms.signature)")
        return self

    @property
    def aliyun_sign_name(self) -> str | None:
        aliyun = self.platform.aliyun if self.platform else None
        return aliyun and (aliyun.sign_name or self.sms.signature.strip("【】"))


def _table(source: InputFile | JobOutputRef, context: JobContext) -> tuple[pl.DataFrame, InputRecord, Table]:
    with read_table(context.source(source), {}) as table:
        frame = table.frame.collect()
    return frame, InputRecord.of_table(table, rows=frame.height), table


def _with_directory(frame: pl.DataFrame, directory: DirectoryFile | None) -> tuple[pl.DataFrame, list[InputRecord]]:
    if directory is None:
        return frame, []
    with read_table(directory, {directory.key: (directory.key,)}, required=[directory.key]) as table:
        lookup = table.frame.drop(ROW).unique(directory.key, keep="first").collect()
    clashing = [c for c in lookup.columns if c != directory.key and c in frame.columns]
    joined = frame.join(lookup.drop(clashing), on=directory.key, how="left")
    return joined, [InputRecord.of_table(table, rows=lookup.height)]


def run(config: RenderMessagesConfig, context: JobContext) -> JobResult:
    template = MessageTemplate.load(config.template, context.locale)
    frame, record, table = _table(config.input, context)
    rows_in = frame.height
    missing = sorted(set(config.where) - set(frame.columns))
    if missing:
        raise InputError(
            f"where: no column {', '.join(missing)} (columns: {', '.join(frame.columns)})", path=record.path
        )
    frame = frame.filter(selected(config.where))
    frame, lookups = _with_directory(frame, config.directory)
    frame = with_config_columns(frame, config.columns, context.run_date, context.calendar)
    for warning in uncovered_warnings(frame, config.columns, context.calendar):
        context.log(f"warning: {warning}")
    variables = config.platform.templates(context.locale) if config.platform else {}
    for checked in (template, *variables.values()):
        checked.check_columns([*frame.columns, "serial"])
    serials = reserve_serials(context.state_dir, frame.height, prefix=config.serial.prefix, width=config.serial.width)
    result = render_messages(
        frame,
        template,
        serials=serials,
        recipients=[Recipient(**r.model_dump()) for r in config.recipients],
        sms=SmsRules(**{**config.sms.model_dump(exclude={"price_per_part"}), "shorten": tuple(config.sms.shorten)}),
        locale=context.locale,
    )
    result.counts.update(rows_in=rows_in + table.blank_rows, not_selected=rows_in - frame.height)
    written = []
    if config.platform:
        written = _platform_files(config.platform, config.aliyun_sign_name, result, frame, variables, context)
    job = JobResult(counts=result.counts, inputs=[record, *lookups, InputRecord.of(config.template)], result=result)
    context.note_read(job, table)
    job.publish(context, {"messages": result.messages, "outbox": result.outbox, "findings": result.findings})
    if warning := split_warning(result.outbox, context.job_name, EN, config.sms.counting):
        context.log(f"warning: {warning}")
    branch = config.directory.key if config.directory else "branch"
    input_name = str(config.input) if isinstance(config.input, JobOutputRef) else config.input.path
    page = preview_html(
        result,
        signature=config.sms.signature,
        title=context.job_name,
        about=context.about(input_name, *([config.directory.path] if config.directory else []), config.template),
        price_per_part=config.sms.price_per_part,
        counting=config.sms.counting,
        branches=branches_of(frame, branch),
        branch_column=branch,
    )
    for path, rows in [*write_outbox(result, context.out_dir, page), *written]:
        job.add_output(path, rows)
    return job


def _platform_files(
    platform: PlatformConfig,
    aliyun_sign_name: str | None,
    result: RenderResult,
    frame: pl.DataFrame,
    variables: dict[str, MessageTemplate],
    context: JobContext,
) -> list[tuple[Path, int | None]]:
    """The platform variables of every rendered row, checked; refused rows become findings.

    The variables follow the recipient's `mask` as the text does: rendered masked for the
    masked roles' lines and whole for the others (one upload per setting, lines kept in outbox
    order)."""
    rows = frame.with_columns(serial=result.messages["serial"])
    whole = pl.col("role").is_in(sorted(result.unmasked_roles))
    lines = result.outbox.with_row_index("_line")
    sendable, refused = [], []
    settings = [m for m in (True, False) if lines.filter(~whole if m else whole).height] or [True]
    for masked in settings:
        group = lines.filter(~whole if masked else whole)
        shown = variables if masked else {name: whole_phones(t) for name, t in variables.items()}
        upload = platform_upload(
            group,
            variable_values(rows, shown),
            max_chars=platform.max_chars,
            min_chars=platform.min_chars,
            locale=context.locale,
            described=described_variables(variables, context.locale),
        )
        kept = group.filter(~pl.col("source_row").is_in(upload.findings["row"].implode()))
        sendable.append(upload.sendable.with_columns(_line=kept["_line"]))
        refused.append(upload.findings)
    upload = PlatformUpload(
        pl.concat(sendable).sort("_line").drop("_line"),
        tuple(variables),
        pl.concat(refused).unique(maintain_order=True),
    )
    result.add_findings(upload.findings)
    result.counts["platform_lines"] = upload.sendable.height
    return write_platform_files(
        upload,
        context.out_dir,
        tencent=platform.tencent,
        aliyun_template_code=platform.aliyun.template_code if platform.aliyun else None,
        aliyun_sign_name=aliyun_sign_name,
    )


def check(config: RenderMessagesConfig, preflight: JobCheck) -> None:
    """`toolkit check`: the input and the directory open, and every column the config and the
    templates name is there: the input's, the directory's, the config's `columns:` and `serial`."""
    rows = preflight.table(("input",), config.input, {})
    for name in config.where:
        preflight.column(("where", name), name, rows)
    joined = rows
    if config.directory is not None:
        key = config.directory.key
        preflight.column(("directory", "key"), key, rows)
        lookup = preflight.table(("directory",), config.directory, {key: (key,)}, required=[key])
        joined = None if rows is None or lookup is None else (*rows, *lookup)
    rendered = None if joined is None else (*joined, *config.columns, "serial")
    for index, recipient in enumerate(config.recipients):
        for field_name in ("phone", "name"):
            if (column := getattr(recipient, field_name)) is not None:
                preflight.column(("recipients", index, field_name), column, rendered)
    template = preflight.opens(("template",), lambda: MessageTemplate.load(config.template, preflight.locale))
    preflight.variables(("template",), template, rendered)
    if (platform := config.platform) is not None:
        variables = preflight.opens(("platform", "variables"), lambda: platform.templates(preflight.locale)) or {}
        for name, variable in variables.items():
            preflight.variables(("platform", "variables", name), variable, rendered)


PUBLISHES = {
    "messages": (ROW, "serial", "content", "chars", "encoding", "parts", "shortened"),  # one per input row
    "outbox": (
        "role",
        "recipient",
        "phone",
        "content",
        "chars",
        "encoding",
        "parts",
        "serial",
        "source_row",
        "shortened",
    ),
    "findings": tuple(FINDING_SCHEMA),
}

RENDER_MESSAGES = JobKind("render_messages", RenderMessagesConfig, run, check, publishes=PUBLISHES)
