"""Reading the whitelist from a file or from the agency's HTTPS URL.

The URL is fetched over HTTPS only, verified against the configured CA bundle (the agency serves
it under the health PKI), without following redirects, within a size limit and a time limit:
what arrives decides whom we trust, so it must come from the one expected server.
"""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx

from mss.whitelist import MAX_BYTES, WhitelistError

TIMEOUT_SECONDS = 60.0


def read_source(source: str, ca_bundle: Path | None) -> bytes:
    """The bytes of ``source``: an ``https://`` URL, or a file path."""
    if source.startswith("https://"):
        if ca_bundle is None:
            raise WhitelistError(
                "set trust_space.ca_bundle to fetch the whitelist over HTTPS (it is verified "
                "against that CA bundle), or download it and give the file"
            )
        return download(source, ca_bundle)
    if "://" in source:
        raise WhitelistError(f"{source}: only https:// URLs are fetched")
    path = Path(source)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise WhitelistError(f"{path}: {exc.strerror or exc}") from exc
    return data


def download(url: str, ca_bundle: Path, timeout: float = TIMEOUT_SECONDS) -> bytes:
    context = ssl.create_default_context(cafile=str(ca_bundle))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        with (
            httpx.Client(verify=context, timeout=timeout, follow_redirects=False) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != httpx.codes.OK:
                raise WhitelistError(f"{url}: HTTP {response.status_code}")
            data = bytearray()
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > MAX_BYTES:
                    raise WhitelistError(f"{url}: larger than {MAX_BYTES} bytes")
            return bytes(data)
    except httpx.HTTPError as exc:
        raise WhitelistError(f"{url}: {exc}") from exc
