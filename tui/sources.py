"""The fetch settings of the TUI's fetches: the config file's ``[fetch]`` table."""

from __future__ import annotations

from newsmark.config import Config
from newsmark.fetch import FetchConfig

CONFIG_HINT = "allow_private = true under [fetch] in the config file allows it"


def fetch_config_from(config: Config) -> FetchConfig:
    """The TUI's ``FetchConfig``: the defaults, with ``[fetch]`` ``allow_private`` and ``timeout``."""
    settings = FetchConfig(allow_private=config.allow_private, private_hint=CONFIG_HINT)
    if config.timeout is not None:
        settings.total_timeout = config.timeout
    return settings


def fetch_config_for(app) -> FetchConfig:
    """The settings for the app's fetches (``i``, ``R``): the ``fetch_config`` the app was
    built with (``newsmark tui`` builds it from the config file's ``[fetch]`` table), else the
    defaults, which refuse non-public addresses."""
    given = getattr(app, "fetch_config", None)
    return given if isinstance(given, FetchConfig) else fetch_config_from(Config())
