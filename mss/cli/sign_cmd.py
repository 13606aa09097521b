"""``mss sign``: electronic signatures, checked offline."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Annotated

import typer

from mss.cli.common import fail, options

app = typer.Typer(help="Electronic signatures of PDF documents.", no_args_is_help=True)


@app.command("verify")
def verify(
    ctx: typer.Context,
    document: Annotated[Path, typer.Argument(help="The signed PDF.", exists=True, dir_okay=False)],
    evidence: Annotated[
        list[Path] | None,
        typer.Option("--evidence", help="A signer's evidence (JSON); repeat for each signer."),
    ] = None,
    key: Annotated[
        list[str] | None,
        typer.Option("--key", help="ADDRESS=BASE64: a signer's published Ed25519 key."),
    ] = None,
    ca: Annotated[
        Path | None,
        typer.Option("--ca", help="The operator's signing CA (default: DATA/keys/signing-ca.pem)."),
    ] = None,
) -> None:
    """Check every signature of DOCUMENT against the operator's CA, and each evidence against
    the signer's published key; exit 1 when anything does not hold."""
    from asn1crypto import pem, x509

    from mss.signatures.evidence import Evidence, evidence_holds
    from mss.signatures.verify import verify_pdf

    settings = options(ctx).settings()
    ca_path = ca or settings.data_path(Path("keys/signing-ca.pem"))
    if not ca_path.exists():
        raise fail(f"no signing CA at {ca_path}: pass --ca")
    _, _, der = pem.unarmor(ca_path.read_bytes())
    try:
        report = verify_pdf(document.read_bytes(), x509.Certificate.load(der))
    except ValueError as error:
        raise fail(str(error)) from None
    ok = report.valid
    for check in report.signatures:
        verdict = "valid" if check.valid else "INVALID"
        stamp = ", timestamped" if check.timestamped else ""
        typer.echo(
            f"{check.field}: {verdict}{stamp}; {check.signer}; changes after: {check.modification}"
        )
    if not report.signatures:
        typer.echo("no signature in this document")
    keys = dict(item.split("=", 1) for item in key or [])
    for path in evidence or []:
        proof = Evidence.from_json(path.read_text(encoding="utf-8"))
        published = keys.get(proof.signer)
        holds = (
            published is not None
            and proof.document_sha256 == report.certified_sha256
            and evidence_holds(proof, base64.b64decode(published))
        )
        ok = ok and holds
        typer.echo(f"evidence of {proof.signer}: {'holds' if holds else 'DOES NOT HOLD'}")
    if not ok:
        raise typer.Exit(1)
