"""The config file's ``[fetch]`` table: the settings of the TUI's fetches."""

from __future__ import annotations

import pytest

from newsmark.config import ConfigError, load_config


def test_fetch_settings_in_the_config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('annotator = "a"\n[fetch]\nallow_private = true\ntimeout = 12.5\n', "utf-8")
    cfg = load_config(path)
    assert (cfg.allow_private, cfg.timeout) == (True, 12.5)
    path.write_text('annotator = "a"\n', "utf-8")
    assert (load_config(path).allow_private, load_config(path).timeout) == (False, None)


@pytest.mark.parametrize(("toml", "message"), [
    ('[fetch]\nallow_private = "yes"', "[fetch] allow_private: expected true or false, got 'yes'"),
    ("[fetch]\ntimeout = 0", "[fetch] timeout: expected seconds from 0.1 to 3600, got 0"),
    ('[fetch]\ntimeout = "30"', "[fetch] timeout: expected seconds from 0.1 to 3600, got '30'"),
    ("[fetch]\ntimeout = true", "[fetch] timeout: expected seconds from 0.1 to 3600, got True"),
    ("[fetch]\ntimeout = inf", "[fetch] timeout: expected seconds from 0.1 to 3600, got inf"),
    ("[fetch]\nretries = 3", "[fetch] retries: unknown key (known: allow_private, timeout)"),
    ("fetch = true", "fetch: expected a table ([fetch]) of allow_private and timeout"),
    ("allow_private = true", "unknown key 'allow_private' (known: annotator, database, schema, keys, theme, fetch, curation, suggest)"),
])
def test_bad_fetch_settings_are_one_line_naming_file_and_key(tmp_path, toml, message):
    path = tmp_path / "config.toml"
    path.write_text(toml + "\n", "utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}: {message}"
