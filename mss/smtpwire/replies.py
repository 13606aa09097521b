"""Every SMTP reply MSS sends, with its enhanced status code (RFC 3463, RFC 2034).

Replies are named constants used by the server and the tests alike; texts say what was wrong
and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reply:
    code: int
    status: str
    text: str

    def __str__(self) -> str:
        return f"{self.code} {self.status} {self.text}"

    def with_text(self, text: str) -> Reply:
        return Reply(self.code, self.status, text)


OK = Reply(250, "2.0.0", "OK")
SENDER_OK = Reply(250, "2.1.0", "Sender OK")
RECIPIENT_OK = Reply(250, "2.1.5", "Recipient OK")
QUEUED = Reply(250, "2.0.0", "Message accepted and stored")
AUTH_OK = Reply(235, "2.7.0", "Authentication successful")

# RFC 3463 §3.2 / RFC 5321 §4.2.3
UNKNOWN_RECIPIENT = Reply(550, "5.1.1", "No such mailbox here: check the address")
BAD_DESTINATION_SYNTAX = Reply(501, "5.1.3", "Bad address syntax")
# RFC 5321 §4.2.2: 553 "mailbox name not allowed (e.g., mailbox syntax incorrect)"; RFC 3463
# §3.2: X.1.3 bad destination mailbox address syntax, X.1.7 bad sender's mailbox address syntax.
BAD_RECIPIENT_SYNTAX = Reply(553, "5.1.3", "Bad recipient address syntax")
BAD_SENDER_SYNTAX = Reply(553, "5.1.7", "Bad sender address syntax")
TOO_MANY_RECIPIENTS = Reply(452, "4.5.3", "Too many recipients: send the rest in another message")
MESSAGE_TOO_BIG = Reply(552, "5.3.4", "Message too big for this server")
BARE_LINE_ENDING = Reply(
    554, "5.6.11", "Bare CR or LF in message: every line must end with CRLF (RFC 5321 §2.3.8)"
)
NUL_IN_MESSAGE = Reply(554, "5.6.0", "NUL characters are not allowed in a message (RFC 5322 §2.3)")
# RFC 3463 §3.8 (security or policy status)
RELAY_DENIED = Reply(550, "5.7.1", "Relay denied")
SENDER_REFUSED = Reply(550, "5.7.1", "Sender refused")
NOT_YOUR_ADDRESS = Reply(
    550, "5.7.1", "Sender address not allowed: use your own address as sender and From"
)
POLICY_REFUSED = Reply(550, "5.7.1", "Refused by policy")
AUTH_FAILED = Reply(535, "5.7.8", "Authentication failed: wrong address or password")
AUTH_THROTTLED = Reply(
    454, "4.7.0", "Too many failed authentications: wait a few minutes and try again"
)
RATE_LIMITED = Reply(451, "4.7.1", "Sending limit reached: try again later")
CLIENT_CERT_REQUIRED = Reply(
    550, "5.7.1", "A TLS client certificate of the sending operator is required"
)
TEMPORARY_FAILURE = Reply(451, "4.3.0", "Temporary failure: try again later")

# RFC 4954 §6: the session's credentials were changed by their owner (mss/generations.py).
CREDENTIALS_CHANGED = Reply(530, "5.7.0", "Credentials changed: authenticate again")
