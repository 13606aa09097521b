"""Fetching the whitelist over HTTPS from a server on a real socket: verified against the
configured CA bundle only, no redirect followed, errors refused before anything is parsed."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from health_pki import HealthPki, make_health_pki

from mss.whitelist import WhitelistError, parse_whitelist
from mss.whitelist_fetch import read_source

FIXTURE = Path(__file__).parent / "data" / "listeblanche.xml"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/listeblanchemssante.xml":
            body = FIXTURE.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/ailleurs":
            self.send_response(302)
            self.send_header("Location", "/listeblanchemssante.xml")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def pki() -> HealthPki:
    return make_health_pki()


@pytest.fixture
def server(pki: HealthPki, tmp_path: Path) -> Iterator[str]:
    cert, key = tmp_path / "web.pem", tmp_path / "web.key"
    pki.issue("CN=localhost,O=AGENCE DU NUMÉRIQUE EN SANTÉ,C=FR", "localhost", cert, key)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://localhost:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_the_whitelist_is_fetched_from_a_server_of_the_pki(
    server: str, pki: HealthPki, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(pki.bundle())
    data = read_source(f"{server}/listeblanchemssante.xml", bundle)
    assert len(parse_whitelist(data).entries) == 4
    with pytest.raises(WhitelistError, match="HTTP 404"):
        read_source(f"{server}/absente.xml", bundle)
    with pytest.raises(WhitelistError, match="HTTP 302"):
        read_source(f"{server}/ailleurs", bundle)


def test_a_server_outside_the_configured_pki_is_refused(server: str, tmp_path: Path) -> None:
    bundle = tmp_path / "other.pem"
    bundle.write_bytes(make_health_pki("Autre IGC").bundle())
    with pytest.raises(WhitelistError, match="CERTIFICATE_VERIFY_FAILED"):
        read_source(f"{server}/listeblanchemssante.xml", bundle)
