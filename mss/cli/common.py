"""What every command shares: locating the configuration, opening the runtime, reporting errors.

Errors an operator can fix are printed as one ``error:`` line on stderr with exit status 1; a
traceback is only ever shown for a bug.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from mss.accounts import AuthenticationFailed, WeakPassword
from mss.addresses import InvalidAddress
from mss.config import ConfigError, Settings, load_settings
from mss.store.errors import SchemaOutOfDate, StoreError

if TYPE_CHECKING:
    from mss.runtime import Runtime

T = TypeVar("T")
OPERATOR_ERRORS = (
    ConfigError,
    SchemaOutOfDate,
    StoreError,
    AuthenticationFailed,
    WeakPassword,
    InvalidAddress,
    ValueError,
    OSError,
)


@dataclass(slots=True)
class Options:
    data: Path | None
    config: Path | None

    def settings(self, **overrides: Any) -> Settings:
        return load_settings(self.data, self.config, overrides=overrides or None)


def options(ctx: typer.Context) -> Options:
    found = ctx.find_object(Options)
    assert found is not None, "the root callback always sets the options"
    return found


def fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


LoopFactory = Callable[[], asyncio.AbstractEventLoop]


def run(coroutine: Coroutine[Any, Any, T], loop_factory: LoopFactory | None = None) -> T:
    try:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            return runner.run(coroutine)
    except OPERATOR_ERRORS as exc:
        raise fail(str(exc)) from None


def server_loop() -> tuple[str, LoopFactory | None]:
    """uvloop's event loop when the ``speed`` extra is installed, else asyncio's own.

    Only for the long-running server: its selector and transports cost less per connection
    (issue 17), while one-shot commands gain nothing from it.
    """
    try:
        import uvloop
    except ImportError:
        return "asyncio", None
    return "uvloop", uvloop.new_event_loop


@asynccontextmanager
async def open_runtime(settings: Settings, check: bool = True) -> AsyncIterator[Runtime]:
    if not settings.data_dir.exists():
        raise ConfigError(
            f"data directory {settings.data_dir} does not exist: run `mss init` first"
        )
    # Imported here: the runtime pulls in every part of the server, which `--help` and the
    # commands that fail early do not need.
    from mss.runtime import Runtime
    from mss.store.migrate import check_schema

    runtime = await Runtime.open(settings)
    try:
        if check:
            await check_schema(runtime.database)
        yield runtime
    finally:
        await runtime.close()


def read_password(from_stdin: bool, prompt: str = "Password") -> str:
    """From standard input (first line) for scripts, else an interactive prompt typed twice."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise fail("--password-stdin was given but standard input is empty")
        return line.rstrip("\r\n")
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))
