"""The `render_messages` job: render a template for every row of a table (another job's output
or a file), address the recipients, and leave an outbox the team uploads or prints. Nothing is
sent to any network."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import polars as pl
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PositiveInt, field_validator

from toolkit.config.inputs import InputFile, TableInput
from toolkit.config.paths import ExistingFile
from toolkit.io import read_table
from toolkit.job import InputRecord, JobConfig, JobContext, JobKind, JobOutputRef, JobResult
from toolkit.messages.outbox import write_outbox
from toolkit.messages.render import Recipient, SmsRules, render_messages
from toolkit.messages.serials import reserve_serials
from toolkit.messages.templates import MessageTemplate
from toolkit.rules import ROW


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


def _table(source: InputFile | JobOutputRef, context: JobContext) -> tuple[pl.DataFrame, InputRecord]:
    with read_table(context.source(source), {}) as table:
        frame = table.frame.collect()
    return frame, InputRecord.of(table.path, rows=frame.height)


def _with_directory(frame: pl.DataFrame, directory: DirectoryFile | None) -> tuple[pl.DataFrame, list[InputRecord]]:
    if directory is None:
        return frame, []
    with read_table(directory, {directory.key: (directory.key,)}, required=[directory.key]) as table:
        lookup = table.frame.drop(ROW).unique(directory.key, keep="first").collect()
    clashing = [c for c in lookup.columns if c != directory.key and c in frame.columns]
    joined = frame.join(lookup.drop(clashing), on=directory.key, how="left")
    return joined, [InputRecord.of(table.path, rows=lookup.height)]


def run(config: RenderMessagesConfig, context: JobContext) -> JobResult:
    template = MessageTemplate.load(config.template, context.locale)
    frame, record = _table(config.input, context)
    frame, lookups = _with_directory(frame, config.directory)
    template.check_columns([*frame.columns, "serial"])
    serials = reserve_serials(context.state_dir, frame.height, prefix=config.serial.prefix, width=config.serial.width)
    result = render_messages(
        frame,
        template,
        serials=serials,
        recipients=[Recipient(**r.model_dump()) for r in config.recipients],
        sms=SmsRules(**{**config.sms.model_dump(), "shorten": tuple(config.sms.shorten)}),
        locale=context.locale,
    )
    job = JobResult(counts=result.counts, inputs=[record, *lookups, InputRecord.of(config.template)], result=result)
    job.publish(context, {"messages": result.messages, "outbox": result.outbox, "findings": result.findings})
    for path, rows in write_outbox(result, context.out_dir, signature=config.sms.signature, title=context.job_name):
        job.add_output(path, rows)
    return job


def check(config: RenderMessagesConfig) -> list[str]:
    MessageTemplate.load(config.template)
    return []


RENDER_MESSAGES = JobKind("render_messages", RenderMessagesConfig, run, check)
