"""The CA bundle and CRLs are reread when their files change; a broken update keeps the last
valid bundle instead of refusing every peer (or accepting any)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from health_pki import make_health_pki

from mss.config import ConfigError
from mss.runtime import Runtime
from support import make_settings


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_bundle_changes_are_picked_up_and_broken_ones_ignored(
    tmp_path: Path, database_url: str
) -> None:
    bundle = tmp_path / "bundle.pem"
    first, second = make_health_pki(), make_health_pki("IGC suivante")
    bundle.write_bytes(first.bundle())
    settings = make_settings(tmp_path, database_url, trust_space={"ca_bundle": str(bundle)})
    runtime = await Runtime.open(settings)
    try:
        loaded = runtime.trust.bundle()
        assert loaded is not None and loaded.roots == (first.root.certificate,)

        bundle.write_bytes(second.bundle())
        os.utime(bundle, (1, 1))  # a different modification time, whatever the clock
        loaded = runtime.trust.bundle()
        assert loaded is not None and loaded.roots == (second.root.certificate,)

        bundle.write_bytes(b"-----BEGIN CERTIFICATE-----\ntronque")
        os.utime(bundle, (2, 2))
        loaded = runtime.trust.bundle()
        assert loaded is not None and loaded.roots == (second.root.certificate,)
    finally:
        await runtime.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_missing_bundle_is_a_configuration_error(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(
        tmp_path, database_url, trust_space={"ca_bundle": str(tmp_path / "absent.pem")}
    )
    runtime = await Runtime.open(settings)
    try:
        with pytest.raises(ConfigError, match=r"absent\.pem"):
            runtime.trust.bundle()
    finally:
        await runtime.close()
