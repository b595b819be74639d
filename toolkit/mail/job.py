"""The `email` job: a report (an earlier job's HTML, or a template) as a mail, with attachments.

The mail is always written to the run folder's outbox as `<job>.eml`; with `smtp:` in the batch
it is also sent, and a send that fails leaves the .eml there and fails the job with one line.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Field, Tag, ValidationInfo, field_validator

from toolkit.config.addresses import DEFAULT_SENDER, AddressTemplate, check_address
from toolkit.config.paths import ExistingFile, base_dir
from toolkit.config.references import parse_reference
from toolkit.errors import JobFailed
from toolkit.i18n import Text
from toolkit.job import InputRecord, JobCheck, JobConfig, JobContext, JobFileRef, JobKind, JobResult
from toolkit.mailing.html import GMAIL_CLIP_BYTES, MailBody, mail_safe
from toolkit.mailing.message import build_message, write_eml
from toolkit.mailing.smtp import SendFailed, send
from toolkit.templating.environment import MessageTemplate, TemplateError

OVER_BUDGET = Text(
    "邮件正文 {size} KB，超过 Gmail 约 {limit} KB 的截断上限（Gmail 会显示“[邮件已截断]”）：请精简报表或改为附件",
    "mail body is {size} KB, over Gmail's ~{limit} KB clipping limit (Gmail shows '[Message clipped]'): "
    "trim the report or send it as an attachment",
)
MISSING_IMAGE = Text("图片无法嵌入邮件，已去掉：{src}", "image left out of the mail (not found or not an image): {src}")
KEPT = Text("邮件已保存在运行目录的 {path}", "the mail is kept in the run folder as {path}")


def parse_file_input(value: Any, info: ValidationInfo) -> Any:
    """`daily_report/daily_report.html` (a file an earlier job writes) stays a reference; any
    other string is a path next to the config file."""
    if not isinstance(value, str):
        return value
    jobs = (info.context or {}).get("job_names", ())
    ref = parse_reference(value)
    if type(ref) is not JobFileRef:
        return value
    if ref.job in jobs:
        if ".." in PurePosixPath(ref.path).parts:
            raise ValueError(f"{value}: a job's file cannot lie outside its folder ('..')")
        return ref
    if not (base_dir(info) / value).exists():
        raise ValueError(
            f"{value}: no job named {ref.job!r} (jobs: {', '.join(jobs)}) and no such file next to the config"
        )
    return value


def _file_tag(value: Any) -> str:
    return "job" if isinstance(value, JobFileRef) else "file"


FileInput = Annotated[
    Annotated[ExistingFile, Tag("file")] | Annotated[JobFileRef, Tag("job")],
    Discriminator(_file_tag),
    BeforeValidator(parse_file_input),
]


class EmailConfig(JobConfig):
    """Mail a report: `body` is an earlier job's HTML file or a template (*.html.j2)."""

    kind: Literal["email"]
    to: list[AddressTemplate] = Field(min_length=1)  # `{{ manager_email }}`: from a foreach row
    cc: list[AddressTemplate] = []
    subject: str  # a template: {{ run_date }}, {{ job }}, {{ attachments }}
    body: FileInput
    attach: list[FileInput] = []

    @field_validator("subject")
    @classmethod
    def _subject_compiles(cls, value: str) -> str:
        try:
            MessageTemplate.inline(value, "subject")
        except TemplateError as error:
            raise ValueError(error.message) from None
        return value


def _path(value: Path | JobFileRef, context: JobContext) -> Path:
    return context.file_of(value) if isinstance(value, JobFileRef) else value


def _values(context: JobContext, attachments: list[Path]) -> dict[str, Any]:
    """What subject and body templates may use."""
    return {
        "run_date": context.run_date,
        "as_of": context.as_of,
        "job": context.job_name,
        "attachments": [p.name for p in attachments],
        **(context.partition.template_values() if context.partition is not None else {}),
    }


def addresses(templates: list[str], values: dict[str, Any], key: str, context: JobContext) -> list[str]:
    """The recipients, a template filled from the run's values (a foreach row's `manager_email`)."""
    found = []
    for index, template in enumerate(templates):
        if "{{" not in template:
            found.append(template)
            continue
        text = MessageTemplate.inline(template, f"jobs.{context.job_name}.{key}", context.locale).render(values).strip()
        try:
            found.append(check_address(text))
        except ValueError:
            where = f" for {context.partition}" if context.partition is not None else ""
            raise JobFailed(f"{key}[{index}]: {template!r} gave {text!r}{where}, not an email address") from None
    return found


def mail_body(path: Path, values: dict[str, Any], locale: str) -> MailBody:
    """A template is rendered first; either way the HTML is made safe for mail clients."""
    if path.name.endswith(".j2"):
        html = MessageTemplate.load(path, locale).render(values)
    else:
        html = path.read_text(encoding="utf-8", errors="replace")
    return mail_safe(html, path.parent, source=str(path))


def body_warnings(body: MailBody, locale: str) -> list[str]:
    warnings = [MISSING_IMAGE.format(locale, src=src) for src in body.missing_images]
    if body.over_budget:
        warnings.append(
            OVER_BUDGET.format(locale, size=f"{body.html_bytes / 1000:.1f}", limit=GMAIL_CLIP_BYTES // 1000)
        )
    return warnings


def deliver(message: EmailMessage, path: Path, context: JobContext, job: JobResult) -> None:
    """Write the .eml into the outbox, then send it when the batch has SMTP settings."""
    write_eml(message, path)
    job.add_output(path)
    job.counts["sent"] = 0
    if context.smtp is None:
        return
    try:
        send(message, context.smtp, log=context.log)
    except SendFailed as error:
        kept = path.relative_to(context.run_dir).as_posix()
        job.failure = f"{error.one_line()}; {KEPT.format(context.locale, path=kept)}"
    else:
        job.counts["sent"] = 1
        context.log(f"sent to {message['To']}" + (f", cc {message['Cc']}" if message["Cc"] else ""))


def run(config: EmailConfig, context: JobContext) -> JobResult:
    attachments = [_path(a, context) for a in config.attach]
    body_path = _path(config.body, context)
    values = _values(context, attachments)
    body = mail_body(body_path, values, context.locale)
    for warning in body_warnings(body, context.locale):
        context.log(f"warning: {warning}")
    subject = " ".join(
        MessageTemplate.inline(config.subject, f"jobs.{context.job_name}.subject", context.locale)
        .render(values)
        .split()
    )
    message = build_message(
        sender=context.smtp.sender if context.smtp is not None else DEFAULT_SENDER,
        to=addresses(config.to, values, "to", context),
        cc=addresses(config.cc, values, "cc", context),
        subject=subject,
        body=body,
        attachments=attachments,
        when=datetime.now(context.as_of.tzinfo),
    )
    job = JobResult(
        counts={
            "recipients": len(config.to) + len(config.cc),
            "html_bytes": body.html_bytes,
            "images": len(body.images),
            "attachments": len(attachments),
        },
        inputs=[InputRecord.of(p) for p in (body_path, *attachments)],
    )
    deliver(message, context.outbox / f"{context.unit_name}.eml", context, job)
    return job


TEMPLATE_VALUES = ("run_date", "as_of", "job", "attachments")  # what `_values` gives the subject and body


def check(config: EmailConfig, preflight: JobCheck) -> None:
    """`toolkit check`: the subject, and a body template, name only the values a mail is rendered with."""
    subject = preflight.opens(
        ("subject",), partial(MessageTemplate.inline, config.subject, "subject", preflight.locale)
    )
    names = (*TEMPLATE_VALUES, *(preflight.foreach or ()))
    if config.foreach is not None and preflight.foreach is None:
        return  # the foreach table did not open (a problem said already): nothing to check names against
    preflight.variables(("subject",), subject, names)
    for key in ("to", "cc"):
        for index, address in enumerate(getattr(config, key)):
            if "{{" in address:
                template = preflight.opens(
                    (key, index), partial(MessageTemplate.inline, address, key, preflight.locale)
                )
                preflight.variables((key, index), template, names)
    if isinstance(config.body, Path) and config.body.name.endswith(".j2"):
        body = preflight.opens(("body",), partial(MessageTemplate.load, config.body, preflight.locale))
        preflight.variables(("body",), body, names)


EMAIL = JobKind("email", EmailConfig, run, check)
