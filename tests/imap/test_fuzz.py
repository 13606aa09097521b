"""Hypothesis: whatever a client sends, framing and parsing end in a command or in an
``ImapError`` whose reply is a well-formed BAD (or NO) line, and never in anything else."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from mss.imap.wire.command import Command, ParseOptions
from mss.imap.wire.errors import ImapError
from mss.imap.wire.framing import ContinuationRequest, Framer, FramingLimits
from mss.imap.wire.parse import PARSERS, parse_command

# RFC 3501 §9: response-tagged / response-fatal with resp-text = ["[" code "]" SP] text.
WELL_FORMED = re.compile(
    rb"(\*|[!#$&'+,\-./0-9:;<=>?@A-Z\[\]^_`a-z|}~]+) (BAD|NO) "
    rb"(\[[A-Z0-9-]+(?: [\x20-\x5c\x5e-\x7e]+)?\] )?[\x20-\x5a\x5c-\x7e][\x20-\x7e]*\r\n\Z"
)
LIMITS = FramingLimits(max_line=200, max_literal=100, max_command=400)


def run(chunks: list[bytes], options: ParseOptions) -> list[Command]:
    """Feed ``chunks`` as a connection would, parse every command framed, check every reply."""
    framer = Framer(LIMITS)
    commands: list[Command] = []
    replies: list[bytes] = []
    for chunk in chunks:
        framer.feed(chunk)
        while True:
            try:
                event = framer.next_event()
                if event is None:
                    break
                if isinstance(event, ContinuationRequest):
                    continue
                commands.append(parse_command(event, options=options))
            except ImapError as exc:
                replies.append(exc.reply())
    for reply in replies:
        assert WELL_FORMED.match(reply), reply
    return commands


@settings(max_examples=300)
@given(st.lists(st.binary(max_size=80), max_size=8), st.booleans())
def test_arbitrary_octets(chunks: list[bytes], utf8: bool) -> None:
    run(chunks, ParseOptions(utf8=utf8))


def literal(data: bytes, plus: bool) -> bytes:
    return b"{%d%s}\r\n" % (len(data), b"+" if plus else b"") + data


WORDS = [
    b"INBOX", b"NIL", b"()", b"(", b")", b"*", b"%", b"1", b"0", b"1:*", b"2,4:7,9,12:*", b"*:3",
    b"4294967296", b"\\Seen", b"\\Recent", b"\\Bogus", b"$Label", b"FLAGS", b"+FLAGS.SILENT",
    b"-FLAGS", b"(\\Deleted)", b"BODY[]", b"BODY.PEEK[1.2.HEADER.FIELDS (FROM)]<0.10>",
    b"BODY[1.MIME]", b"RFC822", b"ALL", b"FULL", b"FAST", b"(FLAGS UID)", b"ENVELOPE",
    b"(CHANGEDSINCE 5 VANISHED)", b"(UNCHANGEDSINCE 0)", b"(CONDSTORE)",
    b"(QRESYNC (1 2 1:5 (1:2 3:4)))", b"RETURN", b"(MIN MAX COUNT ALL)", b"CHARSET", b"UTF-8",
    b"KOI8-R", b"OR", b"NOT", b"SINCE", b"1-Feb-1994", b'"17-Jul-1996 02:44:25 -0700"',
    b"HEADER", b"TEXT", b"UID", b"MODSEQ", b'"/flags/\\\\seen"', b"all", b"LARGER", b"SUBJECT",
    b"(SUBSCRIBED RECURSIVEMATCH)", b"(SPECIAL-USE)", b"(STATUS (MESSAGES UNSEEN))",
    b"(USE (\\Drafts))", b"(MESSAGES HIGHESTMODSEQ)", b"UTF8", b"PLAIN", b"=", b"AHRlc3QAdGVzdA==",
    b"DEFLATE", b"CONDSTORE", b'"quoted \\" string"', b'"unterminated', b"&ZeVnLIqe-", b"AT&T",
    b"\xc3\xa9t\xc3\xa9", b"\xff", b"\x00", b"{", b"}", b"[", b"]", b"<0.1>",
]  # fmt: skip

words = st.sampled_from(WORDS)
literals = st.builds(literal, st.binary(max_size=20), st.booleans())
literal8 = st.builds(lambda data: b"~" + literal(data, True), st.binary(max_size=10))
argument = st.one_of(words, words, words, literals, literal8)
names = st.sampled_from(sorted(PARSERS))
separators = st.sampled_from([b" ", b" ", b" ", b"", b"  "])


@st.composite
def command_shaped(draw: st.DrawFn) -> bytes:
    """A tag, a real command name, and a few plausible (or nearly plausible) arguments."""
    tag = draw(st.sampled_from([b"a1", b"A003", b"*", b"+x", b""]))
    pieces = [tag, b" ", draw(names).encode("ascii")]
    for value in draw(st.lists(argument, max_size=6)):
        pieces += [draw(separators), value]
    return b"".join(pieces) + draw(st.sampled_from([b"\r\n", b"\n", b"\r\n\r\n"]))


@settings(max_examples=400)
@given(st.lists(command_shaped(), min_size=1, max_size=4), st.booleans(), st.data())
def test_command_shaped_input(commands: list[bytes], utf8: bool, data: st.DataObject) -> None:
    stream = b"".join(commands)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=5)))
    chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    run(chunks, ParseOptions(utf8=utf8))


VALID = [
    b"a001 LOGIN {5}\r\nSMITH {6+}\r\nSESAME\r\n",
    b"a01 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n",
    b'a023 ID ("name" "sodr" "version" "19.34" "os" NIL)\r\n',
    b"t2 ENABLE CONDSTORE QRESYNC UTF8=ACCEPT\r\n",
    b"B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500 15000,22500)))\r\n",
    b"A160 EXAMINE &ZeVnLIqe- (CONDSTORE)\r\n",
    b"t1 CREATE MySpecial (USE (\\Drafts \\Sent))\r\n",
    b"A683 RENAME blurdybloop sarasoop\r\n",
    b'A01 LIST (SUBSCRIBED RECURSIVEMATCH) "" ("%" INBOX) RETURN (CHILDREN STATUS (MESSAGES))\r\n',
    b'A002 LSUB "#news." "comp.mail.*"\r\n',
    b"C01 STATUS INBOX (HIGHESTMODSEQ UIDNEXT)\r\n",
    b'A003 APPEND saved (\\Seen) "17-Jul-1996 02:44:25 -0700" {3+}\r\nabc UTF8 (~{1+}\r\nx)\r\n',
    b"A003 UID EXPUNGE 3000:3002\r\n",
    b'A282 SEARCH RETURN (MIN COUNT) CHARSET UTF-8 FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n',
    b'a SEARCH OR (SEEN 1:3) UID 5:* MODSEQ "/flags/\\\\draft" all 620162338 HEADER X-A ""\r\n',
    b"A654 FETCH 2:4 (FLAGS BODY.PEEK[1.2.HEADER.FIELDS.NOT (DATE FROM)]<0.10> RFC822.SIZE)\r\n",
    b"s100 UID FETCH 300:500 (FLAGS MODSEQ) (CHANGEDSINCE 12345 VANISHED)\r\n",
    b"a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted $X)\r\n",
    b"a UID MOVE 42:69 foo\r\n",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid command with a few octets deleted, inserted, replaced or cut off."""
    data = bytearray(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["delete", "insert", "replace", "truncate"]))
        octet = draw(st.sampled_from(list(b' ()[]{}<>"\\*%+-:.,~0123456789AZaz\r\n\x00\xff')))
        if kind == "delete":
            del data[at : at + draw(st.integers(1, 4))]
        elif kind == "insert":
            data[at:at] = bytes([octet])
        elif kind == "replace" and at < len(data):
            data[at] = octet
        elif kind == "truncate":
            del data[at:]
    return bytes(data) + b"\r\n"


@settings(max_examples=600)
@given(mutated(), st.booleans())
def test_mutated_valid_commands(command: bytes, utf8: bool) -> None:
    run([command], ParseOptions(utf8=utf8))


def test_the_valid_commands_are_valid() -> None:
    assert len(run(VALID, ParseOptions())) == len(VALID)


def test_well_formed_matches_the_replies_it_should() -> None:
    assert WELL_FORMED.match(b"a1 BAD [TOOBIG] Command line too long\r\n")
    assert WELL_FORMED.match(b"* BAD Expected a tag, found end of command\r\n")
    assert WELL_FORMED.match(b"A1 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset\r\n")
    assert not WELL_FORMED.match(b"a1 BAD \r\n")
    assert not WELL_FORMED.match(b"a1 BAD [x\r\n")
    assert not WELL_FORMED.match(b"a1 BAD text\r\nmore\r\n")
