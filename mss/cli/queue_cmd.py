"""``mss queue``: what waits to be relayed to other operators, and what to do about it.

These commands read and change the queue's rows only; they never need the queue key, since
nothing here opens a message. A running worker picks the changes up at its next poll.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from mss.cli.common import open_runtime, options, run
from mss.config import Settings
from mss.queue.schedule import MS, now_ms
from mss.store.queue_records import QueueListing, RecipientState
from mss.store.queue_repository import SqlQueueStore

if TYPE_CHECKING:
    from mss.runtime import Runtime

app = typer.Typer(help="The outbound queue (mail for other operators).", no_args_is_help=True)

QueueId = Annotated[int, typer.Argument(help="The queue id shown by `mss queue list`.")]


def _store(runtime: Runtime) -> SqlQueueStore:
    return SqlQueueStore(runtime.database, runtime.store.committer)


def _when(milliseconds: int) -> str:
    moment = datetime.datetime.fromtimestamp(milliseconds / MS, datetime.UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def _line(entry: QueueListing) -> str:
    recipient = entry.recipient
    sender = entry.sender or "<>"
    if recipient.state is RecipientState.PENDING:
        state = f"pending, next try {_when(recipient.next_attempt_ms)}"
    else:
        state = f"{recipient.state.value}, report due"
    error = recipient.last_error or ""
    return (
        f"{entry.message_id}\t{sender}\t{recipient.address}\t{entry.size} bytes\t"
        f"queued {_when(entry.created_at_ms)}\t{recipient.attempts} attempts\t{state}\t{error}"
    )


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """One line per recipient: id, sender, recipient, size, age, attempts, state, last error."""
    entries = run(_list(options(ctx).settings()))
    for entry in entries:
        typer.echo(_line(entry))
    if not entries:
        typer.echo("the queue is empty")


async def _list(settings: Settings) -> list[QueueListing]:
    async with open_runtime(settings) as runtime:
        return await _store(runtime).listing()


@app.command("retry")
def retry(ctx: typer.Context, queue_id: QueueId) -> None:
    """Try the pending recipients of a message again now, whatever their backoff."""
    count = run(_retry(options(ctx).settings(), queue_id))
    typer.echo(f"queue {queue_id}: {count} pending recipients due now")


async def _retry(settings: Settings, queue_id: int) -> int:
    async with open_runtime(settings) as runtime:
        return await _store(runtime).retry(queue_id, now_ms())


@app.command("drop")
def drop(ctx: typer.Context, queue_id: QueueId) -> None:
    """Delete a message from the queue without sending it and without telling the sender."""
    run(_drop(options(ctx).settings(), queue_id))
    typer.echo(f"queue {queue_id} dropped")


async def _drop(settings: Settings, queue_id: int) -> None:
    async with open_runtime(settings) as runtime:
        await _store(runtime).drop(queue_id)
