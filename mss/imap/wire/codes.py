"""IMAP response codes, statuses and capability names, as named constants.

The server and the tests use these names instead of strings written inline, so that a reply
is spelled in one place, next to the RFC section that defines it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

# RFC 3501 §7.1: the status responses.
OK: Final = "OK"
NO: Final = "NO"
BAD: Final = "BAD"
PREAUTH: Final = "PREAUTH"
BYE: Final = "BYE"

Status = Literal["OK", "NO", "BAD", "PREAUTH", "BYE"]

# RFC 3501 §7.1: response codes of the base protocol.
ALERT: Final = "ALERT"
BADCHARSET: Final = "BADCHARSET"
CAPABILITY: Final = "CAPABILITY"
PARSE: Final = "PARSE"
PERMANENTFLAGS: Final = "PERMANENTFLAGS"
READ_ONLY: Final = "READ-ONLY"
READ_WRITE: Final = "READ-WRITE"
TRYCREATE: Final = "TRYCREATE"
UIDNEXT: Final = "UIDNEXT"
UIDVALIDITY: Final = "UIDVALIDITY"
UNSEEN: Final = "UNSEEN"

# RFC 5530 §3: codes that tell a client why a command failed.
UNAVAILABLE: Final = "UNAVAILABLE"
AUTHENTICATIONFAILED: Final = "AUTHENTICATIONFAILED"
AUTHORIZATIONFAILED: Final = "AUTHORIZATIONFAILED"
EXPIRED: Final = "EXPIRED"
PRIVACYREQUIRED: Final = "PRIVACYREQUIRED"
CONTACTADMIN: Final = "CONTACTADMIN"
NOPERM: Final = "NOPERM"
INUSE: Final = "INUSE"
EXPUNGEISSUED: Final = "EXPUNGEISSUED"
CORRUPTION: Final = "CORRUPTION"
SERVERBUG: Final = "SERVERBUG"
CLIENTBUG: Final = "CLIENTBUG"
CANNOT: Final = "CANNOT"
LIMIT: Final = "LIMIT"
OVERQUOTA: Final = "OVERQUOTA"
ALREADYEXISTS: Final = "ALREADYEXISTS"
NONEXISTENT: Final = "NONEXISTENT"

# RFC 4315 §3: UIDPLUS.
APPENDUID: Final = "APPENDUID"
COPYUID: Final = "COPYUID"
UIDNOTSTICKY: Final = "UIDNOTSTICKY"

# RFC 7162 §3.1 (CONDSTORE) and §3.2 (QRESYNC).
HIGHESTMODSEQ: Final = "HIGHESTMODSEQ"
NOMODSEQ: Final = "NOMODSEQ"
MODIFIED: Final = "MODIFIED"
CLOSED: Final = "CLOSED"

# RFC 4978 §3: COMPRESS.
COMPRESSIONACTIVE: Final = "COMPRESSIONACTIVE"

# RFC 4469 §4, reused by RFC 7888 §4 and RFC 7889 §3: a literal or message is too large.
TOOBIG: Final = "TOOBIG"
# RFC 4469 §6: a CATENATE URL that names nothing.
BADURL: Final = "BADURL"

# RFC 6154 §5.3: CREATE with a special-use attribute the server does not support.
USEATTR: Final = "USEATTR"

# Capability names (RFC 3501 §7.2.1 and each extension's IANA registration).
CAP_IMAP4REV1: Final = "IMAP4rev1"
CAP_STARTTLS: Final = "STARTTLS"
CAP_LOGINDISABLED: Final = "LOGINDISABLED"
CAP_AUTH_PLAIN: Final = "AUTH=PLAIN"
CAP_SASL_IR: Final = "SASL-IR"  # RFC 4959
CAP_IDLE: Final = "IDLE"  # RFC 2177
CAP_UIDPLUS: Final = "UIDPLUS"  # RFC 4315
CAP_MOVE: Final = "MOVE"  # RFC 6851
CAP_NAMESPACE: Final = "NAMESPACE"  # RFC 2342
CAP_ID: Final = "ID"  # RFC 2971
CAP_ENABLE: Final = "ENABLE"  # RFC 5161
CAP_LITERAL_PLUS: Final = "LITERAL+"  # RFC 7888
CAP_SPECIAL_USE: Final = "SPECIAL-USE"  # RFC 6154
CAP_CREATE_SPECIAL_USE: Final = "CREATE-SPECIAL-USE"  # RFC 6154 §3
CAP_CHILDREN: Final = "CHILDREN"  # RFC 3348
CAP_UNSELECT: Final = "UNSELECT"  # RFC 3691
CAP_CONDSTORE: Final = "CONDSTORE"  # RFC 7162
CAP_QRESYNC: Final = "QRESYNC"  # RFC 7162
CAP_ESEARCH: Final = "ESEARCH"  # RFC 4731
CAP_LIST_EXTENDED: Final = "LIST-EXTENDED"  # RFC 5258
CAP_LIST_STATUS: Final = "LIST-STATUS"  # RFC 5819
CAP_COMPRESS_DEFLATE: Final = "COMPRESS=DEFLATE"  # RFC 4978
CAP_UTF8_ACCEPT: Final = "UTF8=ACCEPT"  # RFC 6855
CAP_APPENDLIMIT: Final = "APPENDLIMIT"  # RFC 7889, advertised as APPENDLIMIT=<n>
CAP_SORT: Final = "SORT"  # RFC 5256
CAP_SORT_DISPLAY: Final = "SORT=DISPLAY"  # RFC 5957
CAP_THREAD_ORDEREDSUBJECT: Final = "THREAD=ORDEREDSUBJECT"  # RFC 5256
CAP_THREAD_REFERENCES: Final = "THREAD=REFERENCES"  # RFC 5256
CAP_ESORT: Final = "ESORT"  # RFC 5267
CAP_SEARCHRES: Final = "SEARCHRES"  # RFC 5182
CAP_MULTIAPPEND: Final = "MULTIAPPEND"  # RFC 3502
CAP_BINARY: Final = "BINARY"  # RFC 3516
CAP_CATENATE: Final = "CATENATE"  # RFC 4469
CAP_CONTEXT_SEARCH: Final = "CONTEXT=SEARCH"  # RFC 5267
UNKNOWN_CTE: Final = "UNKNOWN-CTE"  # RFC 3516 §4.3

# Capabilities a client may name in ENABLE (RFC 5161 §4): only those with a state to switch on.
ENABLEABLE: Final = frozenset({CAP_CONDSTORE, CAP_QRESYNC, CAP_UTF8_ACCEPT})


@dataclass(frozen=True, slots=True)
class Code:
    """A response code with its optional argument, as sent between brackets (RFC 3501 §7.1).

    ``data`` is already in wire form (``b"(\\\\Seen \\\\*)"`` for PERMANENTFLAGS), because each code
    has its own argument grammar and the encoder of that grammar lives with the caller.
    """

    name: str
    data: bytes = b""

    def render(self) -> bytes:
        """The bracketed form, ``[NAME data]``."""
        name = self.name.encode("ascii")
        if self.data:
            return b"[" + name + b" " + self.data + b"]"
        return b"[" + name + b"]"


def as_code(code: str | Code | None) -> Code | None:
    """Accept a bare code name where a code without argument is meant."""
    if code is None or isinstance(code, Code):
        return code
    return Code(code)
