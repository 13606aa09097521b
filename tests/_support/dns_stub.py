"""A DNS server for tests (UDP on 127.0.0.1, a port chosen by the OS) answering from a table of
records; names absent from the table are NXDOMAIN, known names without that type get an empty
answer (NOERROR), as a real authoritative server does."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


@dataclass
class DnsStub(asyncio.DatagramProtocol):
    # (name, type) -> rdata texts, e.g. ("beta.example", "MX") -> ["10 mx.beta.example."]
    records: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    queries: list[tuple[str, str]] = field(default_factory=list)
    transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        query = dns.message.from_wire(data)
        response = dns.message.make_response(query)
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        kind = dns.rdatatype.to_text(question.rdtype)
        self.queries.append((name, kind))
        if not any(known == name for known, _ in self.records):
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif (name, kind) in self.records:
            response.answer.append(
                dns.rrset.from_text_list(
                    question.name, 60, dns.rdataclass.IN, question.rdtype, self.records[name, kind]
                )
            )
        assert self.transport is not None
        self.transport.sendto(response.to_wire(), addr)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    @property
    def port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])


async def start_dns_stub(records: dict[tuple[str, str], list[str]]) -> DnsStub:
    stub = DnsStub(records)
    transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
        lambda: stub, local_addr=("127.0.0.1", 0)
    )
    stub.transport = transport
    return stub
