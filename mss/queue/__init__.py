"""The durable outbound queue: mail for other operators of the trust space, and its DSNs.

``OutboundQueue.enqueue`` is the one write path for outgoing mail (STYLE.md §6); ``QueueWorker``
relays it over mutual TLS and reports back to local senders (RFC 3461, RFC 3464).
"""

from mss.queue.outbound import NULL_SENDER, OutboundQueue, QueueRecipient, RecipientParams
from mss.queue.worker import QueueWorker
from mss.smtpwire.dsn import Notify, Ret

__all__ = [
    "NULL_SENDER",
    "Notify",
    "OutboundQueue",
    "QueueRecipient",
    "QueueWorker",
    "RecipientParams",
    "Ret",
]
