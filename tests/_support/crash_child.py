"""Child process of the kill -9 test: delivers without end, printing each acknowledged UID."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from mss.delivery import deliver
from mss.runtime import Runtime
from mss.store.migrate import upgrade
from mss.store.records import AccountKind
from support import make_settings, sample_message


async def main(data_dir: Path, database_url: str) -> None:
    runtime = await Runtime.open(make_settings(data_dir, database_url))
    await upgrade(runtime.database)
    await runtime.store.add_domain("hopital.example")
    account = (
        await runtime.accounts.create_account(
            "a@hopital.example", AccountKind.PROFESSIONAL, "correct horse battery"
        )
    ).account
    print("READY", flush=True)

    async def worker(number: int) -> None:
        for i in range(100_000):
            appended = await deliver(
                runtime.store, account, "INBOX", sample_message(f"W{number}-{i}")
            )
            print(f"ACK {appended.uid}", flush=True)

    await asyncio.gather(*(worker(n) for n in range(8)))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2]))
