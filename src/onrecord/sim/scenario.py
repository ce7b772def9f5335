"""Scenario files: the scripted world the simulator plays, and the ground truth it implies.

A scenario is a TOML file (see docs/scenarios.md): sites, the sources a watcher should add, timed events
(publish, edit, delete, faults ...) and, derived from those events, the findings a correct watcher makes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from onrecord.config import parse_duration
from onrecord.errors import ConfigError

FEED_PATHS = {"rss": "/feed.xml", "atom": "/feed.atom", "json": "/feed.json"}
SIM_KINDS = ("new", "edited", "deleted", "restored", "republished", "unreachable", "recovered")


@dataclass(frozen=True)
class Expected:
    """One finding a correct watcher makes. `optional` ones are tolerated, never required.

    A finding matches when kind and url agree and `at <= finding.at <= until` (`until` None: no limit).
    """

    kind: str
    url: str
    at: datetime
    note: str = ""
    optional: bool = False
    until: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "url": self.url,
            "at": self.at.isoformat(),
            "note": self.note,
            "optional": self.optional,
            "until": self.until.isoformat() if self.until else None,
        }


def _seconds(v: Any) -> float:
    if isinstance(v, str | int | float) and not isinstance(v, bool):
        try:
            return parse_duration(v)
        except ValueError as e:
            raise ValueError(str(e)) from None
    raise ValueError(f"{v!r} is not a duration (use e.g. 30s, 5m, 2h)")


Duration = Annotated[float, Field(ge=0)]
When = datetime | float  # absolute time, or seconds after `start`


def _when(v: Any) -> datetime | float:
    if isinstance(v, datetime):
        if v.tzinfo is None:
            raise ValueError(f"{v.isoformat()} needs a timezone (write it as ...Z)")
        return v.astimezone(UTC)
    if isinstance(v, str) and v[:1].isdigit() and ("T" in v or "-" in v[1:]):
        try:
            return _when(datetime.fromisoformat(v.replace("Z", "+00:00")))
        except ValueError:
            raise ValueError(f"{v!r} is neither an offset like 15m nor an RFC 3339 time") from None
    return _seconds(v)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SiteSpec(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    lang: str = "en"
    feed: Literal["rss", "atom", "json"] = "rss"
    feed_window: int = Field(10, ge=1)
    robots_disallow: list[str] = []
    charset: str = "utf-8"
    charset_header: bool = True  # send "; charset=..." in Content-Type
    charset_meta: bool = True  # declare the charset inside the HTML
    charset_declared: str | None = None  # what header/meta claim; None: the real charset
    duplicate_guids: bool = False  # every feed entry appears twice, same guid
    page_validators: Literal["none", "etag", "last_modified", "both"] = "none"
    volatile_footer: bool = True  # "Page generated at <now>" on every page

    @field_validator("charset", "charset_declared")
    @classmethod
    def _known_charset(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                "x".encode(v)
            except LookupError:
                raise ValueError(f"unknown charset {v!r}") from None
        return v

    @property
    def feed_path(self) -> str:
        return FEED_PATHS[self.feed]


class SourceSpec(_Model):
    site: str
    kind: Literal["feed", "page"]
    path: str = Field(pattern=r"^/")
    name: str
    actor: str | None = None
    every: Duration = 300.0
    selector: str | None = None
    ignore: str | None = None
    add_at: When = 0.0  # when the runner should add it

    _every = field_validator("every", mode="before")(lambda v: _seconds(v))
    _add_at = field_validator("add_at", mode="before")(lambda v: _when(v))


class _Event(_Model):
    at: When

    _at = field_validator("at", mode="before")(lambda v: _when(v))


class _Timed(_Event):
    site: str
    for_: Duration = Field(alias="for")

    _for = field_validator("for_", mode="before")(lambda v: _seconds(v))


class Publish(_Event):
    do: Literal["publish"]
    site: str
    item: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str
    text: str
    path: str | None = Field(None, pattern=r"^/")
    lang: str | None = None
    event: str | None = None  # ground truth: the real-world happening this item is about (grouping score)
    # the date the feed states for it, when not the true one: an RFC 3339 time written as the feed writes
    # it (a wrong offset, a future date), or "none" for an entry without a date
    stated: str | None = Field(None, pattern=r"^(none|\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d))$")


class Edit(_Event):
    do: Literal["edit"]
    item: str
    text: str | None = None
    title: str | None = None

    @model_validator(mode="after")
    def _something(self) -> Edit:
        if self.text is None and self.title is None:
            raise ValueError("an edit needs text or title")
        return self


class Cosmetic(_Event):
    do: Literal["cosmetic"]
    item: str


class Delete(_Event):
    do: Literal["delete"]
    item: str
    status: Literal[404, 410] = 404
    # how the page says it is gone: its status, a "not found" page with status 200, a redirect home
    mode: Literal["status", "soft", "home"] = "status"


class Restore(_Event):
    do: Literal["restore"]
    item: str


class Republish(_Event):
    do: Literal["republish"]
    item: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    of: str
    site: str | None = None
    path: str | None = Field(None, pattern=r"^/")
    title: str | None = None


class Outage(_Timed):
    do: Literal["outage"]
    mode: Literal["down", "5xx", "timeout"] = "5xx"
    status: int = Field(503, ge=500, le=599)
    retry_after: int | None = None


class RateLimit(_Timed):
    do: Literal["rate_limit"]
    retry_after: int = Field(60, ge=0)


class Slow(_Timed):
    do: Literal["slow"]
    delay: float = Field(10.0, ge=0)


class Malformed(_Timed):
    do: Literal["malformed"]


class Oversized(_Timed):
    do: Literal["oversized"]
    size: int = Field(50_000_000, gt=0)


class Flap(_Event):
    do: Literal["flap"]
    item: str
    for_: Duration = Field(alias="for")

    _for = field_validator("for_", mode="before")(lambda v: _seconds(v))


class Flaky(_Event):
    """Random flapping (a load balancer with a bad node): for `for`, each request for a live item page
    answers 404 with probability `rate` (seeded, so a run is repeatable). `items` empty: every item
    page of the site (per host); else only those items."""

    do: Literal["flaky"]
    site: str
    items: list[str] = []
    rate: float = Field(0.3, ge=0, le=1)
    seed: int = 0
    soft: bool = False  # answer a "not found" page with status 200 instead of a 404
    for_: Duration = Field(alias="for")

    _for = field_validator("for_", mode="before")(lambda v: _seconds(v))


class Mass404(_Timed):
    """Every item page of the site answers 404 while the feed still lists them (a broken deploy)."""

    do: Literal["mass_404"]


class Site404(_Timed):
    """Every address of the site answers 404, feed and front page included."""

    do: Literal["site_404"]


Event = Annotated[
    Publish
    | Edit
    | Cosmetic
    | Delete
    | Restore
    | Republish
    | Outage
    | RateLimit
    | Slow
    | Malformed
    | Oversized
    | Flap
    | Flaky
    | Mass404
    | Site404,
    Field(discriminator="do"),
]
FAULTS = (Outage, RateLimit, Slow, Malformed, Oversized, Mass404, Site404)


class ExpectSpec(_Model):
    kind: str
    item: str | None = None
    source: str | None = None  # a source name
    url: str | None = None  # absolute, or a path on `site`
    site: str | None = None
    at: When = 0.0
    until: When | None = None  # the finding must come by then (overdue: before the late answer)
    note: str = ""
    optional: bool = False

    _at = field_validator("at", mode="before")(lambda v: _when(v))
    _until = field_validator("until", mode="before")(lambda v: None if v is None else _when(v))

    @model_validator(mode="after")
    def _one_target(self) -> ExpectSpec:
        if sum(x is not None for x in (self.item, self.source, self.url)) != 1:
            raise ValueError("give exactly one of item, source or url")
        return self


class NoExpectSpec(_Model):
    kind: str
    item: str | None = None
    source: str | None = None
    at: When | None = None

    _at = field_validator("at", mode="before")(lambda v: None if v is None else _when(v))


class ActorSpec(_Model):
    """An actor and the names it goes by (any script); `relay`: a news outlet carrying others' words."""

    name: str
    aliases: list[str] = []
    relay: bool = False


class RuleSpec(_Model):
    """A user's expectation rule, as `onrecord expect ACTOR --after OTHER --within T` sets it."""

    actor: str
    after: str | None = None
    within: Duration

    _within = field_validator("within", mode="before")(lambda v: _seconds(v))


class Scenario(_Model):
    name: str
    description: str = ""
    start: datetime
    duration: Duration
    deletion_gap: Duration = 600.0
    unreachable_after: int = Field(2, ge=1)
    sites: list[SiteSpec] = Field(min_length=1)
    sources: list[SourceSpec] = []
    events: list[Event] = []
    expect: list[ExpectSpec] = []
    no_expect: list[NoExpectSpec] = []
    actors: list[ActorSpec] = []
    rules: list[RuleSpec] = []
    settings: dict[str, str | int | float | bool] = {}  # watcher settings this world assumes (flags still win)

    _start = field_validator("start", mode="before")(lambda v: _when(v))
    _duration = field_validator("duration", "deletion_gap", mode="before")(lambda v: _seconds(v))

    @field_validator("start")
    @classmethod
    def _absolute(cls, v: Any) -> datetime:
        if not isinstance(v, datetime):
            raise ValueError("start must be an RFC 3339 time like 2026-03-12T09:00:00Z")
        return v

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        sites = {s.id for s in self.sites}
        if len(sites) != len(self.sites):
            raise ValueError("site ids must be unique")
        for i, src in enumerate(self.sources):
            if src.site not in sites:
                raise ValueError(f"sources[{i}]: unknown site {src.site!r}")
        if len({s.name for s in self.sources}) != len(self.sources):
            raise ValueError("source names must be unique")
        items: dict[str, float] = {}
        for i, ev in sorted(enumerate(self.events), key=lambda p: self.time(p[1].at)):
            where = f"events[{i}] ({ev.do})"
            site = getattr(ev, "site", None)
            if site is not None and site not in sites:
                raise ValueError(f"{where}: unknown site {site!r}")
            t = self.time(ev.at).timestamp()
            if isinstance(ev, Publish | Republish):
                if ev.item in items:
                    raise ValueError(f"{where}: item {ev.item!r} is published twice")
                if isinstance(ev, Republish) and ev.of not in items:
                    raise ValueError(f"{where}: {ev.of!r} is not published before {ev.item!r}")
                items[ev.item] = t
            elif hasattr(ev, "item") and ev.item not in items:
                raise ValueError(f"{where}: item {ev.item!r} is not published before this event")
            elif isinstance(ev, Flaky):
                for name in ev.items:
                    if name not in items:
                        raise ValueError(f"{where}: item {name!r} is not published before this event")
        for i, ex in enumerate(self.expect):
            if ex.item is not None and ex.item not in items:
                raise ValueError(f"expect[{i}]: unknown item {ex.item!r}")
        return self

    # -- time -------------------------------------------------------------------------------------------
    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.duration)

    def time(self, when: When) -> datetime:
        """An event's `at` as an absolute UTC time."""
        if isinstance(when, datetime):
            return when
        return self.start + timedelta(seconds=when)

    def site(self, site_id: str) -> SiteSpec:
        for s in self.sites:
            if s.id == site_id:
                return s
        raise KeyError(site_id)

    def timeline(self) -> list[tuple[datetime, Any]]:
        """Events sorted by time; ties keep file order."""
        return sorted(((self.time(e.at), e) for e in self.events), key=lambda p: p[0])

    def expected(self, bases: dict[str, str] | None = None) -> list[Expected]:
        """Ground truth. URLs are `bases[site] + path`, or `sim://SITE/path` without bases."""
        from onrecord.sim.truth import derive

        return derive(self, bases or {s.id: f"sim://{s.id}" for s in self.sites})


def _one_line(path: Path | str, err: ValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"] if not (isinstance(p, str) and p[:1].isupper()))
    msg = first["msg"].removeprefix("Value error, ")
    more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
    return f"scenario {path}: {loc + ': ' if loc else ''}{msg}{more}"


def parse_scenario(data: dict[str, Any], path: Path | str = "<scenario>") -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as e:
        raise ConfigError(_one_line(path, e)) from None


def load_scenario(path: Path | str) -> Scenario:
    """Read and validate a scenario file; a bad file raises ConfigError with one clear line."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"scenario {p}: no such file (built-ins: {', '.join(builtin_names())})") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"scenario {p}: not valid TOML: {e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"scenario {p}: cannot read: {e}") from None
    return parse_scenario(data, p)


def builtin_names() -> list[str]:
    folder = resources.files("onrecord.sim") / "scenarios"
    return sorted(f.name.removesuffix(".toml") for f in folder.iterdir() if f.name.endswith(".toml"))


def builtin_scenario(name: str) -> Path:
    """Path of a built-in scenario file ("demo", "faults")."""
    p = Path(str(resources.files("onrecord.sim") / "scenarios" / f"{name.removesuffix('.toml')}.toml"))
    if not p.is_file():
        raise ConfigError(f"no built-in scenario {name!r} (choose from: {', '.join(builtin_names())})")
    return p
