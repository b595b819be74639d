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
from toolkit.messages.compliance import (
    RULES,
    PlatformRules,
    Policy,
    SendingHours,
    SmsType,
    held_lines,
    hours_held,
    reserve_daily,
    send_times,
    text_findings,
)
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
    type: SmsType = "notification"
    """notification (通知: dispatch, delays, reminders) or marketing (营销/推广): the platforms'
    rules differ (toolkit/messages/compliance.py)."""
    counting: Literal["cn", "gsm"] = "cn"
    signature: str = ""
    max_parts: PositiveInt = 1
    shorten: list[str] = []  # fields that may be cut, in this order, to fit max_parts (goods_name, …)
    daily_cap: PositiveInt | None = 50
    """Messages per signature + template + number a day (Aliyun's default 50), counted across the
    day's runs; the lines past it are held. None: no cap."""
    sending_hours: SendingHours = SendingHours()  # marketing only, in the batch's time zone
    platform_rules: dict[Literal["tencent", "aliyun"], PlatformRules] = {}
    """A platform's own rules (unsubscribe text, variables allowed) where they differ from the defaults."""
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
        sms=SmsRules(
            counting=config.sms.counting,
            signature=config.sms.signature,
            max_parts=config.sms.max_parts,
            shorten=tuple(config.sms.shorten),
        ),
        locale=context.locale,
    )
    result.counts.update(rows_in=rows_in + table.blank_rows, not_selected=rows_in - frame.height)
    held = _comply(config, template, variables, frame, result, context)
    written = []
    if config.platform:
        written = _platform_files(config.platform, config.aliyun_sign_name, result, frame, variables, context)
    _count_rows(result, held, frame.height)
    job = JobResult(counts=result.counts, inputs=[record, *lookups, InputRecord.of(config.template)], result=result)
    context.note_read(job, table)
    job.publish(
        context, {"messages": result.messages, "outbox": result.outbox, "findings": result.findings, "held": held}
    )
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
        held=held,
    )
    for path, rows in [*write_outbox(result, context.out_dir, page), *written]:
        job.add_output(path, rows)
    return job


def policies(config: RenderMessagesConfig, template: MessageTemplate) -> list[Policy]:
    """The rules the job's messages are checked against: one policy per platform it uploads to
    (the platform's own rules, its signature and template), or the default rules without one."""
    platform, sms = config.platform, config.sms
    signature = sms.signature.strip("【】")
    variables = tuple(platform.variables) if platform else tuple(sorted(template.variables - {"serial"}))
    shared = {"type": sms.type, "variables": variables, "sending_hours": sms.sending_hours, "daily_cap": sms.daily_cap}
    used: list[Policy] = []
    if platform and platform.aliyun:
        rules = sms.platform_rules.get("aliyun", PlatformRules())
        code = platform.aliyun.template_code
        used.append(
            Policy(signature=config.aliyun_sign_name or "", rules=rules, platform="aliyun", template_id=code, **shared)
        )  # type: ignore[arg-type]
    if platform and platform.tencent:
        rules = sms.platform_rules.get("tencent", PlatformRules())
        used.append(
            Policy(signature=signature, rules=rules, platform="tencent", template_id=config.template.name, **shared)
        )  # type: ignore[arg-type]
    return used or [Policy(signature=signature, template_id=config.template.name, **shared)]  # type: ignore[arg-type]


def _comply(
    config: RenderMessagesConfig,
    template: MessageTemplate,
    variables: dict[str, MessageTemplate],
    frame: pl.DataFrame,
    result: RenderResult,
    context: JobContext,
) -> pl.DataFrame:
    """The platforms' rules on the rendered rows (toolkit/messages/compliance.py): rows breaking
    an error rule leave the outbox, lines due outside the sending hours or past the daily cap
    are held (out of the outbox, counted in the state folder's history otherwise). Returns the
    held lines; the findings join the result's."""
    checked = policies(config, template)
    rows = frame.with_columns(serial=result.messages["serial"])
    messages = result.messages.select(ROW, "serial", "content")
    if variables:
        values = variable_values(rows, variables).drop("_serial")
        messages = messages.join(values.rename({n: f"var:{n}" for n in variables}), on=ROW, how="left")
    text = text_findings(messages, checked, context.locale)
    refused = text.filter(pl.col("severity") == "error")["row"].implode()
    lines = (
        result.outbox.filter(~pl.col("source_row").is_in(refused))
        .with_row_index("_line")
        .join(
            rows.select(pl.col(ROW).alias("source_row"), send_at=send_times(rows, context.as_of, context.timezone)),
            on="source_row",
            how="left",
            maintain_order="left",
        )
        .with_columns(pl.col("source_row").alias(ROW))
    )
    by_hours = hours_held(lines, checked[0], context.locale)
    # The cap charges each distinct message once a day, per job: the job key is the batch and
    # the unit (`daily/dispatch_sms`, `daily/branch_sms/branch=杭州`), not the run (a re-run has a
    # new as-of, a 30-minute batch the same run folder), and within it the message is its text
    # without the serial (compliance.message_ids): a re-run of this job makes the same messages
    # and charges none again; a later run's new ones add; two jobs sending one text send two.
    by_cap = reserve_daily(
        context.state_dir,
        lines.filter(~pl.col("_line").is_in(by_hours["_line"].implode())),
        checked[0],
        context.locale,
        job=f"{context.batch}/{context.unit_name}",
    )
    if by_cap.counted_before:
        context.log(
            f"daily_cap: {by_cap.counted_before:,} messages already counted by an earlier run for the same day, not counted again"
        )
    on_hold = pl.concat([by_hours, by_cap.held])
    held = held_lines(lines, on_hold)
    result.outbox = lines.filter(~pl.col("_line").is_in(on_hold["_line"].implode())).select(result.outbox.columns)
    result.add_findings(pl.concat([text, on_hold.drop("_line")]))
    return held


def _count_rows(result: RenderResult, held: pl.DataFrame, selected: int) -> None:
    """Every selected row counted once: `refused` (an error finding: not, or not wholly, sent),
    else `held` (a line held for the hours or the cap), else `rendered`; with `not_selected` and
    the blank rows they add up to `rows_in`. `held_messages` counts the held lines."""
    hold_rules = [rule.id for rule in RULES.values() if rule.stage == "hold"]
    errors = result.findings.filter((pl.col("severity") == "error") & ~pl.col("rule").is_in(hold_rules))
    refused = set(errors["row"].drop_nulls().to_list())
    on_hold = set(held["source_row"].to_list()) - refused
    result.counts.update(
        rendered=selected - len(refused) - len(on_hold),
        refused=len(refused),
        held=len(on_hold),
        held_messages=held.height,
        outbox=result.outbox.height,
    )


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
    "held": ("role", "recipient", "phone", "content", "serial", "source_row", "send_at", "rule", "message"),
}

RENDER_MESSAGES = JobKind("render_messages", RenderMessagesConfig, run, check, publishes=PUBLISHES)
