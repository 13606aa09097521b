"""The long-running services of ``mss serve``, each switchable in ``[services]``.

Each service starts its listeners (or workers) on the shared runtime and stops them cleanly; the
server process is nothing more than this list run on one event loop.
"""

from __future__ import annotations

from typing import Protocol

from mss.runtime import Runtime


class Service(Protocol):
    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def describe(self) -> list[str]:
        """One line per listener, for the operator: what listens where."""
        ...


def build_services(runtime: Runtime) -> list[Service]:
    """The services enabled in the configuration, among those this version provides."""
    services: list[Service] = []
    return services
