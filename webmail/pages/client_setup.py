"""Setting up a mail client: the servers to type in, Thunderbird's autoconfiguration and Apple's
configuration profile, all from the one configuration (host name and listening ports).

Why here: an application password alone leaves a patient guessing server names, ports and
security settings. Thunderbird asks ``https://<domain>/.well-known/autoconfig/mail/
config-v1.1.xml`` (and ``https://autoconfig.<domain>/mail/config-v1.1.xml``) before anything
else; the file says nothing secret (host names and ports, "%EMAILADDRESS%" as user name), so it
is served to anyone, like the operator's MX records. Implicit TLS comes first (RFC 8314 §3.3:
"prefer" it over STARTTLS), STARTTLS second; passwords are sent only inside TLS either way.
The Apple profile is for the signed-in patient only: it carries their address.
"""

from __future__ import annotations

import plistlib
import uuid
from dataclasses import dataclass
from typing import Literal
from xml.etree import ElementTree

from fastapi import APIRouter
from starlette.responses import Response

from mss.config import Settings
from webmail.api.deps import PageSession, State

router = APIRouter(include_in_schema=False)

Security = Literal["SSL", "STARTTLS"]


@dataclass(frozen=True, slots=True)
class Endpoint:
    protocol: Literal["imap", "smtp"]
    host: str
    port: int
    security: Security


@dataclass(frozen=True, slots=True)
class ClientServers:
    """Where a mail client connects, best first for each protocol."""

    domain: str
    incoming: tuple[Endpoint, ...]
    outgoing: tuple[Endpoint, ...]

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientServers:
        host, listen = settings.hostname, settings.listen
        return cls(
            domain=host,
            incoming=(
                Endpoint("imap", host, listen.imaps_port, "SSL"),  # RFC 8314 §3.3
                Endpoint("imap", host, listen.imap_port, "STARTTLS"),  # RFC 3501 §6.2.1
            ),
            outgoing=(
                Endpoint("smtp", host, listen.submissions_port, "SSL"),  # RFC 8314 §3.3
                Endpoint("smtp", host, listen.submission_port, "STARTTLS"),  # RFC 6409, 3207
            ),
        )


def autoconfig_xml(servers: ClientServers) -> bytes:
    """Thunderbird's clientConfig version 1.1 (the format its ISP database uses)."""
    root = ElementTree.Element("clientConfig", version="1.1")
    provider = ElementTree.SubElement(root, "emailProvider", id=servers.domain)
    ElementTree.SubElement(provider, "domain").text = servers.domain
    ElementTree.SubElement(provider, "displayName").text = "MSS"
    ElementTree.SubElement(provider, "displayShortName").text = "MSS"
    for tag, endpoints in (
        ("incomingServer", servers.incoming),
        ("outgoingServer", servers.outgoing),
    ):
        for endpoint in endpoints:
            server = ElementTree.SubElement(provider, tag, type=endpoint.protocol)
            ElementTree.SubElement(server, "hostname").text = endpoint.host
            ElementTree.SubElement(server, "port").text = str(endpoint.port)
            ElementTree.SubElement(server, "socketType").text = endpoint.security
            ElementTree.SubElement(server, "authentication").text = "password-cleartext"
            ElementTree.SubElement(server, "username").text = "%EMAILADDRESS%"
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root)


def apple_profile(servers: ClientServers, address: str, name: str) -> bytes:
    """An unsigned configuration profile with one IMAP account (Apple's "com.apple.mail.managed"
    payload); the password is left out, so the device asks for the application password."""
    incoming, outgoing = servers.incoming[0], servers.outgoing[0]
    account = {
        "PayloadType": "com.apple.mail.managed",
        "PayloadVersion": 1,
        "PayloadIdentifier": f"{servers.domain}.mail.{address}",
        "PayloadUUID": str(uuid.uuid5(uuid.NAMESPACE_URL, f"mail:{address}")).upper(),
        "PayloadDisplayName": address,
        "EmailAccountDescription": f"MSS {address}",
        "EmailAccountName": name or address,
        "EmailAccountType": "EmailTypeIMAP",
        "EmailAddress": address,
        "IncomingMailServerHostName": incoming.host,
        "IncomingMailServerPortNumber": incoming.port,
        "IncomingMailServerUseSSL": True,
        "IncomingMailServerUsername": address,
        "IncomingMailServerAuthentication": "EmailAuthPassword",
        "OutgoingMailServerHostName": outgoing.host,
        "OutgoingMailServerPortNumber": outgoing.port,
        "OutgoingMailServerUseSSL": True,
        "OutgoingMailServerUsername": address,
        "OutgoingMailServerAuthentication": "EmailAuthPassword",
        "OutgoingPasswordSameAsIncomingPassword": True,
    }
    profile = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": f"{servers.domain}.profile.{address}",
        "PayloadUUID": str(uuid.uuid5(uuid.NAMESPACE_URL, f"profile:{address}")).upper(),
        "PayloadDisplayName": f"MSS {address}",
        "PayloadContent": [account],
    }
    return plistlib.dumps(profile)


@router.get("/.well-known/autoconfig/mail/config-v1.1.xml")
@router.get("/mail/config-v1.1.xml")
async def autoconfig(state: State) -> Response:
    body = autoconfig_xml(ClientServers.from_settings(state.runtime.settings))
    return Response(body, media_type="application/xml")


@router.get("/settings/mail-client.mobileconfig")
async def mobileconfig(state: State, session: PageSession) -> Response:
    servers = ClientServers.from_settings(state.runtime.settings)
    account = session.account
    body = apple_profile(servers, account.address, account.display_name or "")
    return Response(
        body,
        media_type="application/x-apple-aspen-config",
        headers={"content-disposition": 'attachment; filename="mss.mobileconfig"'},
    )
