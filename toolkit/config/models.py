"""The batch config: one YAML file a team edits, validated into these models."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from toolkit.calendar import WorkCalendar
from toolkit.config.addresses import DEFAULT_SENDER, Address
from toolkit.config.inputs import TableInput
from toolkit.config.paths import Folder
from toolkit.config.references import JOB_NAME, forward_references
from toolkit.i18n import DEFAULT_LOCALE, normalise_locale
from toolkit.timezones import DEFAULT_TIMEZONE

JobName = Annotated[str, Field(pattern=f"^{JOB_NAME}$")]


class Strict(BaseModel):
    """A config block: a key it does not know is an error (with "did you mean")."""

    model_config = ConfigDict(extra="forbid")


class ForEach(Strict):
    """`foreach: {table: branches.csv, by: branch}`: one run of the job per value of `by` in the
    table (a file, or an earlier job's table such as `orders.valid`), or per value of `values`.
    Each run gets the value as a parameter, only its rows of the job's table input, and a folder
    of its own (`<job>/branch=<value>/`)."""

    by: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
    table: TableInput | None = None
    values: list[Annotated[str, Field(min_length=1)]] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_source(self) -> ForEach:
        if (self.table is None) == (self.values is None):
            raise ValueError("give either `table:` (with `by:`, its column) or `values:` (a list), not both")
        return self


class JobConfig(Strict):
    """Base of every job kind's config model; `kind` is the registry key."""

    kind: str
    description: str | None = None
    foreach: ForEach | None = None  # one run per value: per branch, say


class ExecutorConfig(Strict):
    """Where a batch's work runs. `local` with `workers: 1` (the default) runs the jobs one after
    another in this process; with more workers, in that many processes, independent jobs and the
    partitions of a `foreach` job at the same time. `dask` sends the same work to a Dask
    distributed cluster (`pip install 'cs-toolkit[dask]'`): at `address`, or, without one, a
    cluster of `workers` processes started on this machine for the run. The run folder must be
    on a file system every worker sees."""

    kind: Literal["local", "dask"] = "local"
    workers: PositiveInt = 1
    address: str | None = None  # dask: tcp://scheduler:8786

    @model_validator(mode="after")
    def _address_for_dask(self) -> ExecutorConfig:
        if self.address is not None and self.kind != "dask":
            raise ValueError("`address:` is a Dask scheduler's; it needs `kind: dask`")
        return self


class CalendarConfig(Strict):
    work_hours: tuple[time, time] = (time(8, 30), time(17, 0))
    closures: list[date] = []
    extra_workdays: list[date] = []

    @field_validator("work_hours")
    @classmethod
    def _ordered(cls, value: tuple[time, time]) -> tuple[time, time]:
        if value[0] >= value[1]:
            raise ValueError(f"work_hours start {value[0]} must be before end {value[1]}")
        return value

    def build(self, timezone: str) -> WorkCalendar:
        return WorkCalendar(
            work_start=self.work_hours[0],
            work_end=self.work_hours[1],
            closures=tuple(self.closures),
            extra_workdays=tuple(self.extra_workdays),
            timezone=timezone,
        )


class SmtpConfig(Strict):
    """Where mail is sent; without it, mail is only written to the run folder's outbox."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    host: str
    port: Annotated[int, Field(ge=1, le=65535)] | None = None  # default: 587 starttls, 465 ssl, 25 none
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str | None = None
    password: SecretStr | None = None  # `${SMTP_PASSWORD}`: from the environment, never in a file
    sender: Annotated[Address, Field(alias="from")] = DEFAULT_SENDER
    timeout: PositiveFloat = 30.0  # seconds for each answer of the server
    retries: NonNegativeInt = 2  # further attempts after a failed one (server down, 4xx)
    retry_delay: Annotated[float, Field(ge=0)] = 5.0  # seconds before the first retry, doubled after

    @field_validator("password")
    @classmethod
    def _ascii(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().isascii():
            raise ValueError("the password has non-ASCII characters, which SMTP login (smtplib) cannot send")
        return value

    @model_validator(mode="after")
    def _default_port(self) -> SmtpConfig:
        if self.port is None:
            self.port = {"starttls": 587, "ssl": 465, "none": 25}[self.security]
        return self


class OnFailureConfig(Strict):
    """Who hears about a failed job: a short mail naming the job and the error."""

    email: list[Address] = Field(min_length=1)


class BatchSettings(Strict):
    """A batch: settings shared by its jobs and the jobs in the order they run. The registry's
    `BatchConfig` narrows `jobs` to the registered job kinds."""

    batch: JobName
    timezone: str = DEFAULT_TIMEZONE
    locale: str = DEFAULT_LOCALE
    calendar: CalendarConfig = CalendarConfig()
    # beside the config like every other path, also when left out (not wherever cron starts)
    output: Folder = Field(Path("out"), validate_default=True)
    state: Folder = Field(Path("data"), validate_default=True)  # serials and the follow-up log live here
    # run folders (out/<date>/<batch>/) older than this many days are removed at the end of a run;
    # their rows stay in the run history. Default: every run folder is kept.
    keep_days: PositiveInt | None = None
    jobs: dict[JobName, JobConfig]
    executor: ExecutorConfig = ExecutorConfig()
    smtp: SmtpConfig | None = None
    on_failure: OnFailureConfig | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai)") from None
        return value

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        return normalise_locale(value)

    @field_validator("jobs")
    @classmethod
    def _some_jobs(cls, value: dict[str, Any]) -> dict[str, Any]:
        if not value:
            raise ValueError("a batch needs at least one job")
        if "outbox" in value:
            raise ValueError("`outbox` is the run folder's mail outbox; give the job another name")
        return value

    @model_validator(mode="after")
    def _references_point_back(self) -> BatchSettings:
        """Each reference to a job that does not come earlier, an error at its own key (pydantic
        keeps the location of a ValidationError raised here; a ValueError would stand at the top)."""
        errors = [
            InitErrorDetails(type=PydanticCustomError("value_error", message), loc=key, input=None)
            for key, message in forward_references(self.jobs)
        ]
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    def work_calendar(self) -> WorkCalendar:
        return self.calendar.build(self.timezone)
