"""The long-running services of ``mss serve``, each switchable in ``[services]``.

Each service starts its listeners (or workers) on the shared runtime and stops them cleanly; the
server process is nothing more than this list run on one event loop.
"""

from __future__ import annotations

from typing import Protocol

from mss.queue import QueueWorker
from mss.ratelimit import AuthThrottle
from mss.runtime import Runtime
from mss.smtp.mx import MxHandler
from mss.smtp.service import SmtpService
from mss.smtp.submission_handler import SubmissionHandler


class Service(Protocol):
    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def describe(self) -> list[str]:
        """One line per listener, for the operator: what listens where."""
        ...


def auth_throttle(runtime: Runtime) -> AuthThrottle:
    limits = runtime.settings.limits
    return AuthThrottle(
        limits.auth_failures_per_ip,
        limits.auth_failures_per_account,
        limits.auth_failure_window_seconds,
        limits.auth_failure_delay_seconds,
    )


def build_services(runtime: Runtime) -> list[Service]:
    """The services enabled in the configuration."""
    settings = runtime.settings
    enabled = settings.services
    services: list[Service] = []
    if enabled.mx or enabled.submission:
        services.append(
            SmtpService(
                settings,
                MxHandler(settings, runtime.store, runtime.policy, runtime.trust, runtime.queue),
                SubmissionHandler(
                    settings, runtime.accounts, runtime.submission, auth_throttle(runtime)
                ),
                runtime.trust,
            )
        )
    if enabled.queue:
        services.append(QueueWorker(settings, runtime.queue, runtime.trust, runtime.store))
    return services
