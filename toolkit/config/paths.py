"""Path types for config models: relative to the config file, checked to exist where they must.

The base folder comes from pydantic's validation context (`{"base_dir": Path}`), set by the loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo

from toolkit.suggest import closest


def base_dir(info: ValidationInfo) -> Path:
    context = info.context or {}
    return Path(context.get("base_dir", "."))


def resolve(value: Path, info: ValidationInfo) -> Path:
    return value if value.is_absolute() else (base_dir(info) / value)


def _shown(path: Path, base: Path) -> str:
    """The path as the user would write it in this config (relative where it can be)."""
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def suggestion(path: Path) -> str | None:
    """The closest existing name in the same folder, for 'did you mean'."""
    folder = path.parent
    if not folder.is_dir():
        return None
    near = closest(path.name, (p.name for p in folder.iterdir()))
    return str(path.with_name(near)) if near is not None else None


def existing_file(value: Path, info: ValidationInfo) -> Path:
    path = resolve(value, info)
    if path.is_file():
        return path.resolve()
    base = base_dir(info)
    message = f"file not found: {_shown(path, base)}"
    if path.is_dir():
        message = f"expected a file, found a folder: {_shown(path, base)}"
    elif (near := suggestion(path)) is not None:
        message += f" (did you mean {_shown(Path(near), base)}?)"
    raise ValueError(message)


def folder(value: Path, info: ValidationInfo) -> Path:
    path = resolve(value, info)
    if path.exists() and not path.is_dir():
        raise ValueError(f"expected a folder, found a file: {_shown(path, base_dir(info))}")
    return path.resolve()


ExistingFile = Annotated[Path, AfterValidator(existing_file)]
Folder = Annotated[Path, AfterValidator(folder)]
