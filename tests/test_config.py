"""Configuration: sources merge in order; every bad value names its key and where it came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from mss.config import ConfigError, load_settings


def test_defaults_file_and_environment_merge_in_order(tmp_path: Path) -> None:
    (tmp_path / "mss.toml").write_text('hostname = "file.example"\n[listen]\nweb_port = 9000\n')
    settings = load_settings(
        tmp_path, environ={"MSS_LISTEN__WEB_PORT": "9100", "MSS_HOSTNAME": "env.example"}
    )
    assert settings.hostname == "env.example"
    assert settings.listen.web_port == 9100
    assert settings.listen.imap_port == 1143
    assert settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path / 'mss.db'}"


def test_data_directory_from_environment(tmp_path: Path) -> None:
    assert load_settings(environ={"MSS_DATA": str(tmp_path)}).data_dir == tmp_path
    with pytest.raises(ConfigError, match="--data DIR or set MSS_DATA"):
        load_settings(environ={})


def test_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"listen\.web_port.*environment variable MSS_LISTEN__WEB_PORT"
    ):
        load_settings(tmp_path, environ={"MSS_LISTEN__WEB_PORT": "eighty"})


def test_bad_file_value_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "mss.toml"
    config.write_text('[security]\nargon2 = "weak"\n')
    with pytest.raises(ConfigError, match=rf"security\.argon2.*{config}"):
        load_settings(tmp_path, environ={})


def test_unknown_key_and_broken_toml_are_reported(tmp_path: Path) -> None:
    config = tmp_path / "mss.toml"
    config.write_text("[listen]\nwebport = 1\n")
    with pytest.raises(ConfigError, match=r"listen\.webport"):
        load_settings(tmp_path, environ={})
    config.write_text("hostname = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(tmp_path, environ={})


def test_the_minimum_argon2_cost_is_refused_outside_test_suites(tmp_path: Path) -> None:
    config = tmp_path / "mss.toml"
    config.write_text('[security]\nargon2 = "minimum"\n')
    with pytest.raises(ConfigError, match="test suites only"):
        load_settings(tmp_path, config, environ={})
    config.write_text('[security]\nargon2 = "minimum"\nallow_minimum_argon2 = true\n')
    assert load_settings(tmp_path, config, environ={}).security.argon2 == "minimum"
    assert load_settings(tmp_path / "fresh", environ={}).security.argon2 == "moderate"
