"""Reading and validating the extraction in a process of its own.

Parsing, validating and folding a line is pure Python and costs about as much as writing it; in
a second process that work runs beside the database writes instead of taking turns with them
for the interpreter lock. The worker turns lines into ready-to-write value tuples
(`directory.store_rows` column orders) and writes them a batch at a time to its stdout, whose
bounded pipe buffer keeps it at most about one batch ahead of the writer: memory stays flat.
It is started as ``python -m directory.import_worker`` rather than through `multiprocessing`,
which would re-run the caller's main script in the child.

Several workers share a large file (issue 14 item 6: parsing was most of an import's CPU): the
body is cut into chunks of `CHUNK_BYTES` dealt round-robin, chunk c to worker c mod n, and the
importer reads the chunks back in file order. A worker blocks on its pipe once it is one chunk
ahead, so n workers run side by side and memory stays bounded by n chunks' batches. Line numbers
in a chunk count from 1; the importer, which sees each chunk's line count, makes them absolute.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, NamedTuple

from directory.errors import InvalidField
from directory.extraction import Header, read_body, read_header, skip_to_line_start
from directory.records import entry_from_fields, line_fingerprint
from directory.store_rows import mailbox_values, organisation_values, practitioner_values


class PreparedLine(NamedTuple):
    """A valid line: its number, the digest of its bytes, and its rows as value tuples (the
    structure's only on the first line that names it)."""

    number: int
    digest: bytes
    mailbox: tuple[Any, ...]
    practitioner: tuple[Any, ...] | None
    organisation: tuple[Any, ...] | None


@dataclass(slots=True)
class PreparedBatch:
    """Valid lines and rejected ones (number, reason) of a stretch of the file."""

    lines: list[PreparedLine] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    lines_read: int = 0
    position: int = 0
    # The file ends inside a line that was rejected: a cut-short download, not a whole file.
    truncated: bool = False
    # On the last batch of a chunk: how many lines the chunk had; None on the others.
    chunk_lines: int | None = None

    def encode(self) -> bytes:
        """A length-prefixed frame; built-in types only, so `marshal` carries it."""
        lines = [tuple(line) for line in self.lines]
        payload = marshal.dumps(
            (
                lines, self.rejected, self.lines_read, self.position, self.truncated,
                self.chunk_lines,
            )
        )  # fmt: skip
        return len(payload).to_bytes(4, "big") + payload

    @classmethod
    def decode(cls, payload: bytes) -> PreparedBatch:
        """Rebuild a batch from a frame's payload, written by this project's worker process."""
        lines, rejected, read, position, truncated, chunk = marshal.loads(payload)  # noqa: S302
        return cls(
            [PreparedLine(*line) for line in lines], rejected, read, position, truncated, chunk
        )


def prepare_chunks(
    stream: BinaryIO, size: int, worker: int, workers: int, chunk_bytes: int
) -> Iterator[PreparedBatch]:
    """The batches of chunks ``worker``, ``worker + workers``, ... of the file's body."""
    header = read_header(stream)
    body = stream.tell()
    total = os.fstat(stream.fileno()).st_size
    sent_structures: set[str] = set()
    chunk = worker
    while body + chunk * chunk_bytes < total:
        start = body + chunk * chunk_bytes
        start = skip_to_line_start(stream, start) if chunk else body
        end = body + (chunk + 1) * chunk_bytes
        end = skip_to_line_start(stream, end) if end < total else total
        stream.seek(start)
        yield from prepare(stream, size, header, end, sent_structures)
        chunk += workers


def prepare(
    stream: BinaryIO, size: int, header: Header, end: int | None, sent_structures: set[str]
) -> Iterator[PreparedBatch]:
    """Batches of at most ``size`` valid lines, with the lines rejected in between, of the lines
    from the stream's position to ``end``, numbered from 1; the last one has ``chunk_lines``.

    A structure recurs on many lines; its row goes with the first line this worker sees naming
    it (``sent_structures``), and the writer stores it whatever becomes of that line.
    """
    batch = PreparedBatch()
    number = 0
    for raw in read_body(stream, header, 0, end):
        number = raw.number
        if raw.fields is None:
            if raw.problem is not None:
                batch.lines_read += 1
                batch.rejected.append((raw.number, raw.problem))
                batch.truncated = raw.unterminated
            continue
        batch.lines_read += 1
        try:
            entry = entry_from_fields(raw.fields)
        except InvalidField as exc:
            batch.rejected.append((raw.number, str(exc)))
            continue
        person, org = entry.practitioner, entry.organisation
        structure = None
        if org is not None and org.national_id not in sent_structures:
            sent_structures.add(org.national_id)
            structure = organisation_values(org)
        batch.lines.append(
            PreparedLine(
                raw.number,
                line_fingerprint(raw.raw),
                mailbox_values(entry),
                practitioner_values(person) if person else None,
                structure,
            )
        )
        if len(batch.lines) >= size:
            batch.position = stream.tell()
            yield batch
            batch = PreparedBatch()
    batch.position = stream.tell()
    batch.chunk_lines = number
    yield batch


def main() -> None:
    """``python -m directory.import_worker FILE BATCH_SIZE WORKER WORKERS CHUNK_BYTES``: frames
    on stdout, then a zero length; a failure goes to stderr with a non-zero exit status."""
    path = sys.argv[1]
    batch_size, worker, workers, chunk_bytes = map(int, sys.argv[2:6])
    out = sys.stdout.buffer
    try:
        with open(path, "rb") as stream:
            for batch in prepare_chunks(stream, batch_size, worker, workers, chunk_bytes):
                out.write(batch.encode())
                out.flush()
        out.write(bytes(4))
        out.flush()
    except BrokenPipeError:
        sys.stderr.close()  # the importer stopped listening and reports its own error
        sys.exit(1)


if __name__ == "__main__":
    main()
