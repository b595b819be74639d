"""`on_failure:` a short mail to the people who keep the batch running when a job of it fails.

It names each job that failed and its error line, the jobs skipped because of it, and where the
run folder is, with the executed notebook of a failed notebook job attached (the notebook is
where the traceback is). It goes the way every mail goes: an .eml in the outbox, sent when the
batch has SMTP settings. A notice that cannot be sent is logged; it never hides the job's error.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from toolkit.config.addresses import DEFAULT_SENDER
from toolkit.config.models import BatchSettings
from toolkit.errors import ExitCode, ToolkitError
from toolkit.i18n import Text
from toolkit.job import OUTBOX
from toolkit.mailing.html import MailBody
from toolkit.mailing.message import build_message, write_eml
from toolkit.mailing.smtp import send
from toolkit.pipeline.record import BatchRun

FAILURE_EML = "on_failure.eml"
SUBJECT = Text("【批处理失败】{batch} {date}：{jobs}", "[batch failed] {batch} {date}: {jobs}")
HEADLINE = Text("批处理 {batch}（{date}）有作业没有完成：", "Batch {batch} ({date}) did not finish:")
SKIPPED = Text("跳过", "skipped")
RUN_FOLDER = Text("运行目录：{path}", "Run folder: {path}")
ATTACHED = Text("附件（执行过的 notebook）：{names}", "Attached (the executed notebooks): {names}")


def failure_message(run: BatchRun, config: BatchSettings, root: Path) -> EmailMessage:
    """The notice for a run that did not finish; `root` is the folder the jobs wrote into."""
    locale = config.locale
    failed = {name: r for name, r in run.jobs.items() if r.status in ("failed", "error")}
    skipped = {name: r for name, r in run.jobs.items() if r.status == "skipped"}
    notebooks = [p for name in failed for p in sorted((root / name).glob("*.ipynb"))]
    date = run.run_date.isoformat()
    lines = [HEADLINE.format(locale, batch=run.batch, date=date), ""]
    lines += [f"- {name} ({r.kind}): {r.error}" for name, r in failed.items()]
    lines += [f"- {name} ({SKIPPED.get(locale)}): {r.error}" for name, r in skipped.items()]
    lines += ["", RUN_FOLDER.format(locale, path=run.run_dir)]
    if notebooks:
        lines.append(ATTACHED.format(locale, names=", ".join(p.name for p in notebooks)))
    assert config.on_failure is not None
    return build_message(
        sender=config.smtp.sender if config.smtp is not None else DEFAULT_SENDER,
        to=config.on_failure.email,
        subject=SUBJECT.format(locale, batch=run.batch, date=date, jobs=", ".join(failed or skipped)),
        body=MailBody(text="\n".join(lines) + "\n"),
        attachments=notebooks,
        when=datetime.now(run.as_of.tzinfo),
    )


def notify_failure(
    run: BatchRun, config: BatchSettings, root: Path, log: Callable[[str], None]
) -> dict[str, Any] | None:
    """Write (and send) the notice when the run did not finish; what happened, for the manifest."""
    if config.on_failure is None or run.exit_code == ExitCode.DONE:
        return None
    path = root / OUTBOX / FAILURE_EML
    record: dict[str, Any] = {
        "to": list(config.on_failure.email),
        "eml": f"{OUTBOX}/{FAILURE_EML}",
        "sent": False,
        "error": None,
    }
    try:
        message = failure_message(run, config, root)
        write_eml(message, path)
        if config.smtp is not None:
            send(message, config.smtp, log=log)
            record["sent"] = True
    except ToolkitError as error:
        record["error"] = error.one_line()
    except Exception as error:  # the notice must never hide the job's own error
        record["error"] = f"{type(error).__name__}: {error}"
        log("".join(traceback.format_exception(error)))
    if record["sent"]:
        log(f"on_failure: notice sent to {', '.join(record['to'])}")
    elif record["error"]:
        log(f"on_failure: notice not sent (kept as {record['eml']}): {record['error']}")
    else:
        log(f"on_failure: notice written to {record['eml']} (no smtp settings)")
    return record
