"""The fetch settings of the TUI's fetches: the config file's ``[fetch]`` table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsmark.config import Config

if TYPE_CHECKING:
    from newsmark.fetch import FetchConfig

CONFIG_HINT = "allow_private = true under [fetch] in the config file allows it"


def fetch_config_from(config: Config) -> FetchConfig:
    """The TUI's ``FetchConfig``: the defaults, with ``[fetch]`` ``allow_private`` and ``timeout``."""
    from newsmark.fetch import FetchConfig

    settings = FetchConfig(allow_private=config.allow_private, private_hint=CONFIG_HINT)
    if config.timeout is not None:
        settings.total_timeout = config.timeout
    return settings


def fetch_config_for(app) -> FetchConfig:
    """The settings for the app's fetches (``i``, ``R``): the ``fetch_config`` the app was
    built with; else the ``[fetch]`` table of the config the app was built with (``newsmark
    tui`` passes its config file); else the defaults, which refuse non-public addresses."""
    given = getattr(app, "fetch_config", None)
    if given is not None:
        return given
    return fetch_config_from(getattr(app, "settings", None) or Config())
