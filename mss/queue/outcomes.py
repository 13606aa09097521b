"""From one attempt to a recipient's new state, and to the DSN it makes owed.

Which report is owed follows RFC 3461 §5.2: a failure is reported unless NOTIFY=NEVER (and, with
no NOTIFY, as if NOTIFY=FAILURE, §4.1); a success is reported only when NOTIFY has SUCCESS and the
peer did not take the duty over — a peer that advertised DSN received NOTIFY and reports the
final delivery itself (§5.2.1); one that did not leaves us to report "relayed" (§5.2.2). Nothing
is ever reported to the null sender (RFC 5321 §4.5.5), nor to a sender with no local account.
"""

from __future__ import annotations

from mss.config import QueueSettings
from mss.queue.dsn import Action
from mss.queue.relay import Attempt, Verdict
from mss.queue.schedule import MS, expires_at_ms, next_attempt_ms
from mss.smtpwire.dsn import decode_notify, wants_failure_report, wants_success_report
from mss.smtpwire.statuses import STATUS_EXPIRED
from mss.store.queue_records import (
    QueuedMessage,
    QueuedRecipient,
    RecipientOutcome,
    RecipientState,
)


def outcome_of(
    recipient: QueuedRecipient,
    attempt: Attempt,
    message: QueuedMessage,
    remote_mta: str | None,
    now: int,
    settings: QueueSettings,
) -> RecipientOutcome:
    attempts = recipient.attempts + 1
    notify = decode_notify(recipient.notify)
    reportable = bool(message.sender) and message.account_id is not None
    expired = now >= expires_at_ms(message.created_at_ms, settings)
    state, owed, status, error = RecipientState.FAILED, None, attempt.status, attempt.error
    next_ms = now
    if attempt.verdict is Verdict.DELIVERED:
        state = RecipientState.DELIVERED
        if wants_success_report(notify) and not attempt.dsn_passed_on:
            owed = Action.RELAYED
    elif attempt.verdict is Verdict.TRANSIENT and not expired:
        state = RecipientState.PENDING
        next_ms = next_attempt_ms(now, attempts, message.created_at_ms, settings)
    else:
        if attempt.verdict is Verdict.TRANSIENT:
            hours = (now - message.created_at_ms) / MS / 3600
            status = STATUS_EXPIRED  # RFC 3463 §3.5: X.4.7 delivery time expired
            error = f"gave up after {attempts} attempts in {hours:.1f} h; last: {attempt.error}"
        if wants_failure_report(notify):
            owed = Action.FAILED
    return RecipientOutcome(
        recipient_id=recipient.id,
        state=state,
        attempts=attempts,
        next_attempt_ms=next_ms,
        last_attempt_ms=now,
        status=status,
        last_error=error[:1000],
        last_reply=attempt.reply,
        remote_mta=remote_mta,
        report_due=owed.value if owed is not None and reportable else None,
    )
