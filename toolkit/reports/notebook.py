"""The `notebook` job: run a report notebook with papermill, keep the executed notebook, export
it as an HTML report.

Parameters injected into the notebook's `parameters` cell: batch, run_date, as_of, run_dir,
output_dir, locale (each where the cell declares it), the configured `parameters` (a job name
becomes that job's output folder, `job.table` that table's parquet file, both absolute; anything
else is passed as it is) and the configured `files` (paths relative to the config file, passed
absolute). The notebook runs with its own folder as the working directory, as it does when opened
in JupyterLab. The HTML report ends with the page's about line (toolkit.pages.PageAbout).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from pydantic import Field, NonNegativeFloat, NonNegativeInt, PositiveInt, ValidationInfo, field_validator

from toolkit.config.paths import ExistingFile
from toolkit.config.references import parse_reference
from toolkit.errors import JobFailed
from toolkit.io.faults import disk_full
from toolkit.job import (
    InputRecord,
    JobCheck,
    JobConfig,
    JobContext,
    JobFolderRef,
    JobKind,
    JobOutputRef,
    JobResult,
)
from toolkit.pages import PageAbout
from toolkit.reports.export import export_report_html, hidden, warm_up, without_iri_checks
from toolkit.reports.kernel import (
    DEFAULT_KERNEL,
    KernelGaveUp,
    backoff,
    kernel_config,
    kernel_spec,
    kernel_trouble,
    one_kernel,
)

_LOG = logging.getLogger(__name__)

# nbformat, nbconvert and papermill are imported where a notebook runs: the registry imports
# every job module, and nbformat alone (jsonschema's format checkers) costs a second at start-up.


class NotebookConfig(JobConfig):
    """Run a notebook from notebooks/ with parameters; save it executed and as an HTML report."""

    kind: Literal["notebook"]
    notebook: ExistingFile
    parameters: dict[str, Any] = {}
    files: dict[str, ExistingFile] = {}
    kernel: str = DEFAULT_KERNEL
    cell_timeout: PositiveInt = 600  # seconds per cell
    start_timeout: PositiveInt = 60  # seconds for the kernel to start
    html: bool = True
    name: str | None = Field(default=None, pattern=r"^[^/\\]+$")  # output file stem; default: the notebook's
    kernel_retries: NonNegativeInt = 2  # new kernels after one did not start or died; a cell's error is never retried
    kernel_retry_delay: NonNegativeFloat = 1.0  # seconds before the first retry, doubled for each next (±50 %)

    @field_validator("notebook")
    @classmethod
    def _is_notebook(cls, value: Path) -> Path:
        if value.suffix != ".ipynb":
            raise ValueError(f"expected a .ipynb notebook, got {value.name}")
        return value

    @field_validator("parameters", mode="before")
    @classmethod
    def _references(cls, value: Any, info: ValidationInfo) -> Any:
        """A string naming a job of the batch (`orders`, `orders.valid`) is a reference."""
        if not isinstance(value, dict):
            return value
        jobs = (info.context or {}).get("job_names", ())
        return {name: _reference(item, jobs) for name, item in value.items()}

    @property
    def stem(self) -> str:
        return self.name or self.notebook.stem


def _reference(value: Any, jobs: tuple[str, ...] | list[str]) -> Any:
    """`orders` (the job's folder) and `orders.valid` (its table) name an earlier job."""
    ref = parse_reference(value) if isinstance(value, str) else None
    return ref if isinstance(ref, (JobOutputRef, JobFolderRef)) and ref.job in jobs else value


def resolve_parameters(config: NotebookConfig, context: JobContext) -> dict[str, Any]:
    """Everything the notebook's parameters cell receives, as JSON-friendly values."""
    resolved: dict[str, Any] = {
        "batch": context.batch,
        "run_date": context.run_date.isoformat(),
        "as_of": context.as_of.isoformat(timespec="seconds"),
        "run_dir": str(context.run_dir),
        "output_dir": str(context.out_dir),
        "locale": context.locale,
    }
    if context.partition is not None:  # `branch: 杭州`: the report of one branch
        resolved[context.partition.by] = context.partition.value
    for name, value in config.parameters.items():
        if isinstance(value, JobOutputRef):
            resolved[name] = str(context.table_path(value))
        elif isinstance(value, JobFolderRef):
            folder = context.job_folder(value.job)
            if not folder.is_dir() or value.job == context.job_name:
                raise JobFailed(
                    f"parameters.{name}: job {value.job!r} has no output folder in this run (does it run before {context.job_name!r}?)"
                )
            resolved[name] = str(folder)
        elif isinstance(value, Path):
            resolved[name] = str(value)
        else:
            resolved[name] = value
    resolved.update({name: str(path) for name, path in config.files.items()})
    return resolved


@dataclass
class NotebookRun:
    """What a notebook job did, for the manifest, notebooks and the email job."""

    notebook: Path  # the executed notebook
    html: Path | None
    parameters: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)  # execute, export
    error: str | None = None


def _first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0] if lines else ""


def execution_error(error: BaseException, notebook: str, shown: Path, timeout: int) -> str:
    """One line: the notebook, the cell, what went wrong, and where the executed notebook is."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(error, PapermillExecutionError):
        what = f"cell In [{error.exec_count}] raised {error.ename}: {_first_line(error.evalue)}".rstrip(": ")
    elif isinstance(error, CellTimeoutError):
        what = f"a cell did not finish within {timeout} s (cell_timeout)"
    elif isinstance(error, KernelGaveUp):
        what = f"{error.what}, {error.attempts} attempts"
    elif isinstance(error, DeadKernelError):
        what = "the kernel died (out of memory?)"
    else:
        what = f"{type(error).__name__}: {_first_line(str(error))}"
    return f"{notebook}: {what}; executed notebook: {shown}"


def declared(config: NotebookConfig, parameters: dict[str, Any], log: Callable[[str], None]) -> dict[str, Any]:
    """The parameters to inject: the batch's built-in ones the notebook's `parameters` cell
    declares, and every configured one (a configured name the cell lacks is logged)."""
    papermill = _papermill()

    with _quiet_loggers("papermill"):
        names = set(papermill.inspect_notebook(str(config.notebook)))
    configured = set(config.parameters) | set(config.files) | ({config.foreach.by} if config.foreach else set())
    for name in sorted(configured - names):
        log(f"warning: {config.notebook.name} has no parameter {name!r} in its parameters cell")
    return {k: v for k, v in parameters.items() if k in names or k in configured}


@contextmanager
def _quiet_loggers(*names: str) -> Iterator[None]:
    """papermill and nbclient log to stderr; the job reports their errors as its own one line."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def execute(
    config: NotebookConfig,
    parameters: dict[str, Any],
    executed: Path,
    log: Callable[[str], None] | None = None,
) -> None:
    """Run the notebook into `executed` (saved after each cell, so also when a cell fails).

    Each attempt has a kernel of its own (toolkit.reports.kernel: IPC sockets in a private
    folder, one kernel at a time in this process). A kernel that does not start (start timeout,
    died before it answered, its address in use) or dies while the notebook runs is replaced and
    the notebook runs again from its first cell, at most `kernel_retries` times, after
    `kernel_retry_delay` seconds, then twice and four times that (jittered); each retry is a line
    in `log`. A cell that raises or runs out of time is not retried. When every attempt failed,
    the error is KernelGaveUp (its one line says what and how many attempts).
    """
    say = log or _LOG.warning
    attempts = config.kernel_retries + 1
    with _quiet_loggers("papermill", "nbclient", "traitlets"), one_kernel():
        for attempt in range(1, attempts + 1):
            try:
                with kernel_config() as kernel:
                    _execute(config, parameters, executed, kernel)
                return
            except Exception as error:
                trouble = kernel_trouble(error)
                if trouble is None:
                    raise
                if attempt == attempts:
                    raise KernelGaveUp(trouble, attempts) from error
                pause = backoff(attempt, config.kernel_retry_delay)
                say(
                    f"{config.notebook.name}: {trouble} (attempt {attempt} of {attempts}); "
                    f"retrying with a new kernel in {pause:.1f} s"
                )
                time.sleep(pause)


def _papermill() -> ModuleType:
    """papermill, imported without the extras the toolkit never uses.

    papermill tries pyarrow for hdfs:// notebooks: `import pyarrow.fs` was 0.21 s of its 0.43 s
    import (pyarrow itself, which nothing else in a report run loads). The toolkit runs local
    notebooks only; papermill goes without HDFS as where pyarrow is not installed. And nbformat
    without jsonschema's `iri` checkers (`without_iri_checks`): 1.3 s less.
    """
    if "papermill" not in sys.modules:
        without_iri_checks()
        with hidden("pyarrow.fs"):
            import papermill
    import papermill

    return papermill


def _execute(config: NotebookConfig, parameters: dict[str, Any], executed: Path, kernel: Any = None) -> None:
    papermill = _papermill()
    papermill.execute_notebook(
        str(config.notebook),
        str(executed),
        parameters=parameters,
        kernel_name=config.kernel,
        cwd=str(config.notebook.parent),
        progress_bar=False,
        log_output=False,
        start_timeout=config.start_timeout,
        execution_timeout=config.cell_timeout,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no start-up warnings in the cron log
        **({"config": kernel} if kernel is not None else {}),  # the kernel manager's settings (kernel_config)
        # the HTML export loads in a thread while the kernel works (toolkit.reports.export), once
        # the kernel has answered: by then this thread has imported all it imports, and two
        # threads importing jupyter_client at once can meet it half-initialised
        **({"on_notebook_start": _warm_up_export} if config.html else {}),
    )


def _warm_up_export(**_: Any) -> None:
    warm_up()


def run(config: NotebookConfig, context: JobContext) -> JobResult:
    kernel_spec(config.kernel)  # a missing kernel fails before anything starts
    parameters = declared(config, resolve_parameters(config, context), context.log)
    executed = context.output(f"{config.stem}.ipynb")
    job = JobResult(inputs=[InputRecord.of(config.notebook)])
    job.inputs += [InputRecord.of(path) for path in config.files.values()]
    report = NotebookRun(notebook=context.final_path(executed), html=None, parameters=parameters)
    job.result = report
    started = time.perf_counter()
    try:
        execute(config, parameters, executed, context.log)
    except Exception as error:  # papermill, nbclient and kernel errors all end the same way
        full = disk_full(error, executed)  # papermill writes the executed notebook itself
        if full is not None:
            raise full from None
        report.seconds["execute"] = round(time.perf_counter() - started, 3)
        if not executed.is_file():
            raise JobFailed(
                execution_error(error, config.notebook.name, report.notebook, config.cell_timeout)
            ) from None
        job.add_output(executed)
        job.failure = report.error = execution_error(error, config.notebook.name, report.notebook, config.cell_timeout)
        return job
    report.seconds["execute"] = round(time.perf_counter() - started, 3)
    job.add_output(executed)
    if config.html:
        started = time.perf_counter()
        html = export_report_html(executed, context.output(f"{config.stem}.html"), _about(config, context))
        report.seconds["export"] = round(time.perf_counter() - started, 3)
        report.html = context.final_path(html)
        job.add_output(html)
        job.counts["html_bytes"] = html.stat().st_size
    job.counts["execute_ms"] = int(report.seconds["execute"] * 1000)
    return job


def _about(config: NotebookConfig, context: JobContext) -> PageAbout:
    """The report's about line: the batch and job, the run date, the as-of, what the notebook read
    (the earlier jobs it was given, by name, and its files)."""
    jobs = [str(v) for v in config.parameters.values() if isinstance(v, (JobOutputRef, JobFolderRef))]
    return context.about(*jobs, *config.files.values())


def read_notebook(path: Path) -> None:
    """A JobFailed unless `path` reads as a notebook."""
    without_iri_checks()
    import nbformat

    try:
        nbformat.read(path, as_version=4)
    except Exception as error:  # not JSON, not a notebook
        raise JobFailed(f"not a readable notebook: {_first_line(str(error))}", path=path) from None


def check(config: NotebookConfig, preflight: JobCheck) -> None:
    """`toolkit check`: the kernel is installed and the notebook is a notebook."""
    preflight.opens(("kernel",), partial(kernel_spec, config.kernel))
    preflight.opens(("notebook",), partial(read_notebook, config.notebook))


NOTEBOOK = JobKind("notebook", NotebookConfig, run, check)
