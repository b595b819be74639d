"""YAML file → validated pydantic model, with every error as one `file:line:col: key: message` line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from toolkit.config.keys import accepted_keys
from toolkit.config.models import BatchSettings
from toolkit.config.secrets import Secrets
from toolkit.config.yaml_source import YamlDocument, load_yaml
from toolkit.errors import ConfigError
from toolkit.suggest import did_you_mean

Model = TypeVar("Model", bound=BaseModel)
Batch = TypeVar("Batch", bound=BatchSettings)


class ConfigErrors(ConfigError):
    """Several config errors at once; `str()` gives one line each."""

    def __init__(self, errors: list[ConfigError]) -> None:
        super().__init__(errors[0].message, path=errors[0].path)
        self.errors = errors

    def one_line(self) -> str:
        return "\n".join(error.one_line() for error in self.errors)


def _message(error: dict, secrets: Secrets) -> str:
    kind, message = error["type"], error["msg"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind in ("value_error", "assertion_error"):
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "union_tag_invalid":
        tag, expected = error["ctx"]["tag"], error["ctx"]["expected_tags"].replace("'", "").split(", ")
        return f"unknown job kind {tag!r}" + (
            did_you_mean(tag, expected) or f" (expected one of: {', '.join(expected)})"
        )
    if kind == "union_tag_not_found":
        return "a job needs a `kind`"
    if kind == "literal_error" and error["loc"] and error["loc"][-1] == "kind":
        return f"unknown job kind {error['input']!r}: {message.removeprefix('Input should be ')}"
    value = error.get("input")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return f"{message} {secrets.got(value)}"
    return message


def errors_from(exc: ValidationError, document: YamlDocument, model: type[BaseModel]) -> ConfigErrors:
    errors = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc = (*loc, "kind")  # point at the `kind:` line
        message = _message(error, document.secrets)
        if error["type"] == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}{did_you_mean(str(loc[-1]), accepted_keys(model, loc))}"
        errors.append(document.error(loc, message))
    return ConfigErrors(errors)


def validate_document(document: YamlDocument, model: type[Model], **context: object) -> Model:
    if not isinstance(document.data, dict):
        raise ConfigError("expected a mapping of keys at the top of the file", path=document.display, line=1, column=1)
    try:
        return model.model_validate(document.data, context={"base_dir": document.path.parent, **context})
    except ValidationError as exc:
        raise errors_from(exc, document, model) from None


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_model(path: Path, model: type[Model], display: str | None = None, **context: object) -> Model:
    """Read `path` and validate it into `model`; paths inside are relative to the file."""
    document = load_yaml(path, display or shown(path))
    return validate_document(document, model, **context)


@dataclass
class LoadedConfig(Generic[Batch]):
    """A validated batch config and where it came from; `document` knows where each key stands."""

    path: Path
    display: str
    model: Batch
    document: YamlDocument


def load_batch(path: str | Path, model: type[Batch]) -> LoadedConfig[Batch]:
    """A batch config file validated into `model` (the registry's `BatchConfig`: its jobs are
    the registered kinds); the job names are known while the jobs are validated, so that
    `input: orders.valid` can tell a reference from a file name."""
    path = Path(path)
    document = load_yaml(path.resolve(), display=str(path))
    jobs = document.data.get("jobs") if isinstance(document.data, dict) else None
    job_names = tuple(jobs) if isinstance(jobs, dict) else ()
    validated = validate_document(document, model, job_names=job_names)
    return LoadedConfig(path=path.resolve(), display=str(path), model=validated, document=document)
