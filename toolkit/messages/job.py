"""The `render_messages` job: render a template for every row of a table (another job's output
or a file), address the recipients, and leave an outbox the team uploads or prints. Nothing is
sent to any network."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import polars as pl
from pydantic import BeforeValidator, Field, PositiveInt, field_validator, model_validator

from toolkit.config.inputs import InputFile, TableInput
from toolkit.config.models import Strict
from toolkit.config.paths import ExistingFile
from toolkit.errors import InputError
from toolkit.fields import ROW
from toolkit.io import Table, read_table
from toolkit.job import InputRecord, JobCheck, JobConfig, JobContext, JobKind, JobOutputRef, JobResult
from toolkit.messages.columns import ColumnValue, selected, uncovered_warnings, with_config_columns
from toolkit.messages.outbox import write_outbox
from toolkit.messages.render import Recipient, RenderResult, SmsRules, render_messages
from toolkit.messages.serials import reserve_serials
from toolkit.messages.upload import platform_upload, variable_values, write_platform_files
from toolkit.rules import FINDING_SCHEMA
from toolkit.templating.environment import MessageTemplate


class RecipientConfig(Strict):
    role: str
    phone: str
    name: str | None = None


class SmsConfig(Strict):
    counting: Literal["cn", "gsm"] = "cn"
    signature: str = ""
    max_parts: PositiveInt = 1
    shorten: list[str] = []  # fields that may be cut, in this order, to fit max_parts (goods_name, …)

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
        sms=SmsRules(**{**config.sms.model_dump(), "shorten": tuple(config.sms.shorten)}),
        locale=context.locale,
    )
    result.counts.update(rows_in=rows_in + table.blank_rows, not_selected=rows_in - frame.height)
    written = []
    if config.platform:
        written = _platform_files(config.platform, config.aliyun_sign_name, result, frame, variables, context)
    job = JobResult(counts=result.counts, inputs=[record, *lookups, InputRecord.of(config.template)], result=result)
    context.note_read(job, table)
    job.publish(context, {"messages": result.messages, "outbox": result.outbox, "findings": result.findings})
    for path, rows in [
        *write_outbox(result, context.out_dir, signature=config.sms.signature, title=context.job_name),
        *written,
    ]:
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
    """The platform variables of every rendered row, checked; refused rows become findings."""
    upload = platform_upload(
        result.outbox,
        variable_values(frame.with_columns(serial=result.messages["serial"]), variables),
        max_chars=platform.max_chars,
        min_chars=platform.min_chars,
        locale=context.locale,
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
