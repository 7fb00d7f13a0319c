"""Errors of the agent and the layers above it, all under one root."""
from knowledge.errors import AisleError, CatalogError

__all__ = ["AisleError", "CatalogError", "ConfigError", "SkillError", "ChannelError", "BackendUnavailable"]


class ConfigError(AisleError):
    """A configuration key or value is wrong; the message names the key, the value and what is allowed."""


class SkillError(AisleError):
    """A skill failed while running."""


class ChannelError(AisleError):
    """A channel could not parse or answer a platform request."""


class BackendUnavailable(AisleError):
    """A model or service the agent needs is not reachable."""
