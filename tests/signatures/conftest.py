from __future__ import annotations

from pathlib import Path

import pytest

from mss.signatures.pki import SigningAuthority


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> SigningAuthority:
    """One CA per module: an RSA key for the TSA takes a moment to make."""
    return SigningAuthority(Path(tmp_path_factory.mktemp("keys")), "MSS Hôpital de test")
