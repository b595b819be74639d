"""Config: YAML read safely, validated by pydantic, errors with file:line:col."""

from toolkit.config.loader import ConfigErrors, LoadedConfig, load_batch, load_model

__all__ = ["ConfigErrors", "LoadedConfig", "load_batch", "load_model"]
