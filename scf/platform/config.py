"""Settings, read from ``SCF_*`` environment variables in one place."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from scf.platform.errors import ConfigurationError


def default_instance_path() -> Path:
    """``SCF_INSTANCE_PATH``, else ``./instance``: where the embedded database and dev secret live."""
    return Path(os.environ.get("SCF_INSTANCE_PATH", "instance")).resolve()


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    instance_path: Path
    session_cookie_secure: bool = False
    token_ttl_hours: int = 12
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    onboarding_max_bytes: int = 20 * 1024 * 1024
    onboarding_max_rows: int = 50_000
    # An .xlsx is a zip: what its parts may inflate to, together and each against its
    # compressed size, and how many parts it may hold (checked before it is parsed).
    onboarding_max_uncompressed: int = 100 * 1024 * 1024
    onboarding_max_ratio: int = 100
    onboarding_max_entries: int = 1000
    bank_net_capital: str = "5000000000.00"
    # Scheduled monitoring (``scf jobs run``): time zone of the cron schedules, crontab
    # overrides per job from SCF_JOB_SCHEDULE_<NAME>, misfire grace, price drop folder.
    jobs_timezone: str = "Asia/Shanghai"
    job_schedules: dict[str, str] = field(default_factory=dict)
    jobs_misfire_grace_seconds: int = 3600
    price_drop_folder: Path | None = None
    # The business date (营业日) when it is not today: the demo opens on its data's date,
    # tests fix their day. Unset in production.
    business_date: str | None = None

    @classmethod
    def from_env(
        cls,
        *,
        demo: bool = False,
        serving: bool = True,
        overrides: dict[str, object] | None = None,
    ) -> Settings:
        """Build settings from the environment.

        A server outside the demo needs ``SCF_SECRET_KEY``: a generated key would log
        everyone out at each restart and differ between gunicorn workers. Commands
        that serve nothing (``scf parties list``) get a throwaway key.
        """
        env = os.environ
        overrides = dict(overrides or {})
        instance = Path(str(overrides.pop("instance_path", default_instance_path())))
        url = str(overrides.pop("database_url", env.get("SCF_DATABASE_URL", "")))
        if not url:
            url = f"sqlite:///{instance / 'scf.sqlite3'}"
        secret = str(overrides.pop("secret_key", env.get("SCF_SECRET_KEY", "")))
        if not secret and not serving:
            secret = secrets.token_urlsafe(48)
        if not secret:
            if not demo:
                raise ConfigurationError(
                    "SCF_SECRET_KEY 未设置 (not set): export SCF_SECRET_KEY=<a long random string>, "
                    "or use `scf demo` for a local demonstration"
                )
            secret = _demo_secret(instance)
        values: dict[str, object] = {
            "database_url": url,
            "secret_key": secret,
            "instance_path": instance,
            "session_cookie_secure": env.get("SCF_COOKIE_SECURE", "0") == "1",
        }
        if env.get("SCF_BUSINESS_DATE"):
            values["business_date"] = env["SCF_BUSINESS_DATE"]
        if "SCF_BANK_NET_CAPITAL" in env:
            values["bank_net_capital"] = env["SCF_BANK_NET_CAPITAL"]
        for name, variable in (
            ("onboarding_max_bytes", "SCF_ONBOARDING_MAX_BYTES"),
            ("onboarding_max_rows", "SCF_ONBOARDING_MAX_ROWS"),
            ("onboarding_max_uncompressed", "SCF_ONBOARDING_MAX_UNCOMPRESSED"),
            ("onboarding_max_ratio", "SCF_ONBOARDING_MAX_RATIO"),
            ("onboarding_max_entries", "SCF_ONBOARDING_MAX_ENTRIES"),
        ):
            if variable in env:
                values[name] = _positive_int(variable, env[variable])
        values.update(_jobs_settings(env))
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


def _positive_int(variable: str, text: str) -> int:
    """A limit from the environment: a whole number above zero, or one clear error."""
    try:
        value = int(text.strip().replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0:
        raise ConfigurationError(
            f"{variable} 应为正整数 (must be a positive whole number), got “{text}”"
        )
    return value


def _demo_secret(instance: Path) -> str:
    """A random secret kept in the instance folder, for the laptop demo only."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "demo-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _jobs_settings(env: os._Environ[str] | dict[str, str]) -> dict[str, object]:
    """``SCF_JOBS_TIMEZONE``, ``SCF_JOB_SCHEDULE_<NAME>`` (crontab), ``SCF_JOBS_MISFIRE_GRACE``
    (seconds) and ``SCF_PRICE_DROP_FOLDER``; checked when the scheduler starts."""
    prefix = "SCF_JOB_SCHEDULE_"
    values: dict[str, object] = {
        "job_schedules": {
            key[len(prefix) :].lower(): value
            for key, value in env.items()
            if key.startswith(prefix)
        }
    }
    if env.get("SCF_JOBS_TIMEZONE"):
        values["jobs_timezone"] = env["SCF_JOBS_TIMEZONE"]
    if env.get("SCF_JOBS_MISFIRE_GRACE"):
        try:
            values["jobs_misfire_grace_seconds"] = int(env["SCF_JOBS_MISFIRE_GRACE"])
        except ValueError:
            raise ConfigurationError(
                f"SCF_JOBS_MISFIRE_GRACE 应为秒数 (must be whole seconds): “{env['SCF_JOBS_MISFIRE_GRACE']}”"
            ) from None
    if env.get("SCF_PRICE_DROP_FOLDER"):
        values["price_drop_folder"] = Path(env["SCF_PRICE_DROP_FOLDER"])
    return values
