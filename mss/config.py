"""One typed configuration, loaded once and passed down.

Sources, later ones winning: defaults, the TOML file (``<data>/mss.toml`` or ``--config``), then
``MSS_*`` environment variables (``MSS_LISTEN__WEB_PORT=8081``: a double underscore descends into a
section). Every invalid value is reported with its key and where it came from, so an operator
knows which file or variable to fix.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ENV_PREFIX = "MSS_"
CONFIG_FILE_NAME = "mss.toml"


class ConfigError(Exception):
    """The configuration cannot be used; the message names each bad key and its source."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListenSettings(_Section):
    host: str = "127.0.0.1"
    mx_port: int = Field(2525, ge=0, le=65535)
    submission_port: int = Field(5587, ge=0, le=65535)
    submissions_port: int = Field(4465, ge=0, le=65535)
    imap_port: int = Field(1143, ge=0, le=65535)
    imaps_port: int = Field(1993, ge=0, le=65535)
    web_port: int = Field(8080, ge=0, le=65535)
    # The webmail speaks HTTPS with the [tls] certificate (Secure cookies, HSTS); plain HTTP on
    # web_redirect_port only redirects there. Off only behind a proxy that terminates TLS.
    web_tls: bool = True
    web_redirect_port: int = Field(8081, ge=0, le=65535)
    # The Prometheus /metrics listener: off unless set. It binds metrics_host, loopback by
    # default whatever `host` is, so an operator's figures never reach the internet by mistake.
    metrics_port: int | None = Field(None, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"
    # Set by `mss serve --workers N` for its worker processes: each binds the same ports with
    # SO_REUSEPORT (Linux) and the kernel spreads new connections among them.
    reuse_port: bool = False


class ServiceSettings(_Section):
    """Which services ``mss serve`` starts; several processes can split them over one database."""

    mx: bool = True
    submission: bool = True
    imap: bool = True
    web: bool = True
    queue: bool = True
    reminders: bool = True
    signatures: bool = True
    webhooks: bool = True


class CalendarSettings(_Section):
    """The agenda's reminders: prepared at delivery, appended to the INBOX when due."""

    reminder_poll_seconds: float = Field(5.0, gt=0)


class SignatureSettings(_Section):
    """Electronic signatures: the RFC 3161 authority (empty: the local development one that
    ``mss init`` creates) and the webmail's public address, for the links in requests."""

    tsa_url: str = ""
    web_url: str = ""
    expiry_poll_seconds: float = Field(60.0, gt=0)


class WebhookSettings(_Section):
    """Signed webhooks (mss/webhooks/): how often the worker looks for due deliveries, each
    request's timeout, how many attempts with exponential backoff from ``first_retry_seconds``.
    ``allow_private_targets`` lets endpoints be plain http on loopback or private addresses:
    for development and tests only, since it opens the operator's own network to API clients."""

    poll_seconds: float = Field(5.0, gt=0)
    timeout_seconds: float = Field(10.0, gt=0, le=60)
    max_attempts: int = Field(8, ge=1, le=30)
    first_retry_seconds: float = Field(30.0, gt=0)
    allow_private_targets: bool = False


class TlsSettings(_Section):
    """Paths relative to the data directory unless absolute."""

    cert: Path = Path("tls/server.pem")
    key: Path = Path("tls/server.key")
    ca: Path = Path("tls/ca.pem")


class SecuritySettings(_Section):
    argon2: Literal["minimum", "interactive", "moderate"] = "moderate"
    allow_minimum_argon2: bool = False
    """Test suites only: libsodium's minimum cost makes stolen wraps cheap to attack."""
    unlock_concurrency: int = Field(2, ge=1, le=64)
    server_key: Path = Path("keys/server.key")

    @model_validator(mode="after")
    def _minimum_only_in_tests(self) -> SecuritySettings:
        if self.argon2 == "minimum" and not self.allow_minimum_argon2:
            raise ValueError(
                'argon2 = "minimum" is for test suites only (set allow_minimum_argon2 = true '
                'there); use "moderate", or "interactive" on small machines'
            )
        return self


class LimitSettings(_Section):
    max_message_bytes: int = Field(25 * 1024 * 1024, ge=1024)
    max_recipients: int = Field(100, ge=1)
    auth_failures_per_ip: int = Field(10, ge=1)
    auth_failures_per_account: int = Field(5, ge=1)
    auth_failure_window_seconds: float = Field(300.0, gt=0)
    auth_failure_delay_seconds: float = Field(1.0, ge=0)
    api_requests_per_minute: int = Field(120, ge=1)


class QueueSettings(_Section):
    """The outbound queue: retries with exponential backoff until expiry (RFC 5321 §4.5.4.1)."""

    workers: int = Field(2, ge=1, le=64)
    poll_seconds: float = Field(1.0, gt=0)
    retry_initial_seconds: float = Field(60.0, gt=0)
    retry_max_seconds: float = Field(3600.0, gt=0)
    expire_seconds: float = Field(5 * 86400.0, gt=0)
    connect_timeout_seconds: float = Field(30.0, gt=0)
    key: Path = Path("keys/queue.key")


class SmtpSettings(_Section):
    """Per-account sending limits of submission; authentication limits are in [limits]."""

    messages_per_hour: int = Field(1000, ge=1)
    command_timeout_seconds: float = Field(60.0, gt=0)
    """From the greeting or the last command to the next complete command line."""
    data_timeout_seconds: float = Field(30.0, gt=0)
    """From DATA to the final dot, plus one second per ``data_min_rate`` octets received: a
    message that keeps arriving is never cut, a client that drips or stalls meets 421 within
    tens of seconds (RFC 5321 §4.5.3.2.6 has clients wait 10 minutes for the server, which
    says nothing of how long the server waits for them)."""
    data_min_rate: int = Field(16384, ge=1)
    """Octets per second a DATA must keep up to earn more time than ``data_timeout_seconds``."""
    max_errors: int = Field(10, ge=1)
    """Error replies in one session before 421 and closing."""
    max_connections: int = Field(1000, ge=1)
    max_connections_per_ip: int = Field(20, ge=1)


class ImapConfig(_Section):
    """IMAP timeouts and abuse limits (RFC 3501 §5.4: autologout at least 30 minutes)."""

    autologout_seconds: float = Field(30 * 60.0, ge=30 * 60.0)
    preauth_timeout_seconds: float = Field(60.0, gt=0)
    idle_keepalive_seconds: float = Field(120.0, gt=0)
    bad_command_limit: int = Field(20, ge=1)
    auth_failure_limit: int = Field(3, ge=1)


class TrustedPeer(_Section):
    """Another operator of the trust space: its mail domain and how to reach its MX."""

    domain: str
    host: str
    port: int = Field(25, ge=1, le=65535)
    cert: Path


class TrustSpaceSettings(_Section):
    """The national whitelist and the health PKI (IGC-Santé) that identifies its operators."""

    ca_bundle: Path | None = None
    """PEM of the PKI's roots and intermediate CAs: peers' certificates must chain to it."""
    crls: tuple[Path, ...] = ()
    """CRL files (PEM or DER) of that PKI; when any is given, every CA of a chain needs one."""
    max_removed_share: float = Field(0.10, ge=0, le=1)
    """A whitelist import that would remove more than this share of the list is refused."""
    whitelist_url: str = "https://espacedeconfiance.mssante.fr/listeblanchemssante.xml"
    dns_servers: tuple[str, ...] = ()
    """Resolvers for MX lookups (IP addresses); empty means the system's."""
    dns_port: int = Field(53, ge=1, le=65535)
    mx_port: int = Field(25, ge=1, le=65535)
    """Port of the MX of whitelisted domains (RFC 5321 §4.5.4: 25)."""


class Settings(_Section):
    data_dir: Path
    hostname: str = "mss.localhost"
    database_url: str = ""
    listen: ListenSettings = ListenSettings()
    services: ServiceSettings = ServiceSettings()
    tls: TlsSettings = TlsSettings()
    security: SecuritySettings = SecuritySettings()
    limits: LimitSettings = LimitSettings()
    queue: QueueSettings = QueueSettings()
    smtp: SmtpSettings = SmtpSettings()
    calendar: CalendarSettings = CalendarSettings()
    signatures: SignatureSettings = SignatureSettings()
    webhooks: WebhookSettings = WebhookSettings()
    imap: ImapConfig = ImapConfig()
    trust: tuple[TrustedPeer, ...] = ()
    trust_space: TrustSpaceSettings = TrustSpaceSettings()

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'mss.db'}"

    def data_path(self, path: Path) -> Path:
        return path if path.is_absolute() else self.data_dir / path


def load_settings(
    data_dir: Path | None = None,
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Load, merge and validate every source; raise :class:`ConfigError` naming each fault."""
    env = dict(os.environ if environ is None else environ)
    sources: dict[tuple[str, ...], str] = {}
    merged: dict[str, Any] = {}

    resolved_dir = data_dir or (Path(env["MSS_DATA"]) if env.get("MSS_DATA") else None)
    if resolved_dir is None:
        raise ConfigError("no data directory: pass --data DIR or set MSS_DATA")
    file = config_file or resolved_dir / CONFIG_FILE_NAME
    if file.exists():
        try:
            file_values = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from exc
        _merge(merged, file_values, sources, str(file), ())
    elif config_file is not None:
        raise ConfigError(f"{file}: configuration file not found")

    _merge(merged, _env_values(env), sources, "environment", ())
    _merge(merged, dict(overrides or {}), sources, "command line", ())
    merged["data_dir"] = resolved_dir
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, sources)) from exc


def _env_values(env: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or name == "MSS_DATA":
            continue
        path = [part.lower() for part in name[len(ENV_PREFIX) :].split("__")]
        if path[0] not in Settings.model_fields:
            continue
        node = values
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return values


def _merge(
    into: dict[str, Any],
    values: Mapping[str, Any],
    sources: dict[tuple[str, ...], str],
    origin: str,
    prefix: tuple[str, ...],
) -> None:
    for key, value in values.items():
        path = (*prefix, key)
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value, sources, origin, path)
        elif isinstance(value, Mapping):
            into[key] = {}
            _merge(into[key], value, sources, origin, path)
        else:
            into[key] = value
            sources[path] = origin


def _describe(exc: ValidationError, sources: dict[tuple[str, ...], str]) -> str:
    lines = ["invalid configuration:"]
    for error in exc.errors():
        path = tuple(str(part) for part in error["loc"])
        origin = _origin(path, sources)
        key = ".".join(path)
        env_name = ENV_PREFIX + "__".join(p.upper() for p in path if not p.isdigit())
        where = f"environment variable {env_name}" if origin == "environment" else origin
        lines.append(f"  {key}: {error['msg']} (from {where})")
    return "\n".join(lines)


def _origin(path: tuple[str, ...], sources: dict[tuple[str, ...], str]) -> str:
    for length in range(len(path), 0, -1):
        if path[:length] in sources:
            return sources[path[:length]]
    return "defaults"
