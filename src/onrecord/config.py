"""Settings: defaults < `onrecord.toml` in the data folder < `ONRECORD_<NAME>` < command-line flags."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from onrecord.durations import format_duration, parse_duration  # re-exported
from onrecord.errors import ConfigError

__all__ = ["Settings", "format_duration", "load_settings", "parse_duration"]

DEFAULT_DATA = Path("onrecord-data")


class Settings(BaseSettings):
    """Every setting onrecord reads. `onrecord config` prints the effective values."""

    model_config = SettingsConfigDict(env_prefix="ONRECORD_", extra="forbid", validate_default=True)

    data: Path = Field(DEFAULT_DATA, description="data folder: database, WARC files, onrecord.toml")
    db: str | None = Field(None, description="database URL; default: SQLite file onrecord.db in the data folder")
    allow_private_addresses: bool = Field(
        False, description="allow sources on private, loopback or link-local addresses"
    )
    deletion_confirmations: int = Field(
        3, ge=1, description="consecutive 'gone' answers needed before an item is reported deleted"
    )
    flap_confirmations: int = Field(
        5, ge=1, description="consecutive 'gone' answers needed for an item whose source has flapped lately"
    )
    flap_memory: str = Field("7d", description="how long a flap (gone, then back) raises the evidence needed")
    mass_gone_min: int = Field(
        5, ge=1, description="at least this many listed items answering gone at once is a site fault, not deletions"
    )
    mass_gone_share: float = Field(
        0.5, gt=0, le=1, description="... and at least this share of the items checked (mass 404)"
    )
    deletion_gap: str = Field("10m", description="minimum time between the first and last 'gone' answer")
    unreachable_after: int = Field(2, ge=1, description="failed checks in a row before a source is called unreachable")
    republish_similarity: float = Field(
        0.7,
        gt=0,
        le=1,
        description="how alike (word-pair Jaccard, 0-1) a new item's text must be to an earlier one of the same"
        " actor to be reported republished",
    )
    republish_min_words: int = Field(
        5, ge=1, description="texts with fewer words are never reported republished (short formulas repeat)"
    )
    user_agent: str = Field(
        "onrecord/0.1 (statement archiver; set user_agent to add your contact)",
        description="User-Agent sent with every request",
    )
    timeout: float = Field(30.0, gt=0, description="seconds allowed for one request, body included")
    max_bytes: int = Field(10_000_000, gt=0, description="largest response body kept, in bytes (decoded)")
    per_host_concurrency: int = Field(4, ge=1, description="requests in flight per host")
    concurrency: int = Field(64, ge=1, description="requests in flight overall")
    retries: int = Field(2, ge=0, description="retries after 429, 503 or a network error")
    max_retry_after: float = Field(120.0, ge=0, description="longest Retry-After honoured within one check (s)")
    obey_robots: bool = Field(True, description="honour robots.txt")
    every: str = Field("5m", description="default poll interval for new sources")
    hot_window: str = Field("7d", description="items first seen within this are re-verified on every check")
    cold_every: str = Field("1d", description="how often older items are re-verified")
    recheck_max: int = Field(
        100,
        ge=0,
        description="stored items of a feed re-verified per check at most: newest first, the rest in turns (0: all)",
    )
    recheck_old: int = Field(
        3,
        ge=0,
        description="known posts of a social account outside its listing window fetched one by one per check,"
        " oldest-checked first, so their edits and deletions are seen (0: none)",
    )
    warc_max_size: int = Field(1_000_000_000, gt=0, description="rotate WARC files past this many bytes")
    claim_lease: str = Field(
        "5m", description="how long a process's claim on a source lasts unless renewed (a dead process's runs out)"
    )
    parse_max_depth: int = Field(
        1000, ge=0, description="deepest element nesting parsed; deeper bodies are archived but not parsed (0: no cap)"
    )
    parse_timeout: float = Field(20.0, gt=0, description="seconds one parse may take before it is abandoned")
    parse_workers: int = Field(2, ge=1, description="threads that parse pages and feeds off the event loop")
    mastodon_token: SecretStr | None = Field(
        None,
        description="access token for Mastodon-compatible servers that require one (secret: never logged or archived)",
    )
    web_token: SecretStr | None = Field(
        None, description="access token for `onrecord serve`; required when it listens on anything but loopback"
    )
    worker_id: str = Field(
        "", description="worker id in WARC file names (default: the host name); crash repair touches only its own"
    )

    @field_validator("deletion_gap", "flap_memory", "every", "hot_window", "cold_every", "claim_lease")
    @classmethod
    def _duration(cls, v: str) -> str:
        parse_duration(v)
        return v

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlFromData(settings_cls, init_settings, env_settings))

    def seconds(self, name: str) -> float:
        return parse_duration(getattr(self, name))

    @property
    def db_url(self) -> str:
        if self.db:
            return self.db
        return f"sqlite:///{(self.data / 'onrecord.db').resolve()}"

    def public(self) -> dict[str, Any]:
        """Effective settings for display; secrets in URLs are masked."""
        out = self.model_dump(mode="json")
        if out.get("db"):
            out["db"] = re.sub(r"//([^:/@]+):([^@]+)@", r"//\1:***@", out["db"])
        return out


class _TomlFromData(PydanticBaseSettingsSource):
    """Reads `onrecord.toml` from the data folder chosen by flags, environment or default."""

    def __init__(
        self,
        settings_cls: type[BaseSettings],
        init: PydanticBaseSettingsSource,
        env: PydanticBaseSettingsSource,
    ) -> None:
        super().__init__(settings_cls)
        data = init().get("data") or env().get("data") or DEFAULT_DATA
        self.path = Path(data) / "onrecord.toml"

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # pragma: no cover
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        if not self.path.is_file():
            return {}
        try:
            values = TomlConfigSettingsSource(self.settings_cls, toml_file=self.path)()
        except Exception as exc:
            raise ConfigError(f"cannot read {self.path}: {exc}") from exc
        values.pop("data", None)
        return dict(values)


def load_settings(**overrides: Any) -> Settings:
    """Build settings; `overrides` are command-line flags (None means 'not given')."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "settings"
        raise ConfigError(f"bad setting {where}: {err['msg']}") from None
