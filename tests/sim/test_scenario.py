from __future__ import annotations

from datetime import timedelta

import pytest

from onrecord.errors import ConfigError
from onrecord.sim.scenario import builtin_names, builtin_scenario, load_scenario


def kinds(expected):
    return [(e.kind, e.url.removeprefix("sim://"), e.optional) for e in expected]


@pytest.mark.parametrize("name", ["demo", "faults"])
def test_builtins_load(name):
    scn = load_scenario(builtin_scenario(name))
    assert scn.name == name and scn.expected()
    assert name in builtin_names()


def test_unknown_builtin_is_one_line():
    with pytest.raises(ConfigError, match=r"no built-in scenario 'nope' \(choose from: .*demo"):
        builtin_scenario("nope")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            'name = "x"\nstart = 2026-01-01T00:00:00Z\nduration = "1h"\n[[sites]]\nid = "a"\ntitle = "A"\n'
            '[[events]]\nat = "5m"\ndo = "explode"\n',
            "events.0: Input tag 'explode'",
        ),
        (
            'name = "x"\nstart = 2026-01-01T00:00:00Z\nduration = "soon"\n[[sites]]\nid = "a"\ntitle = "A"\n',
            "duration: 'soon' is not a duration",
        ),
        (
            'name = "x"\nstart = 2026-01-01T00:00:00Z\nduration = "1h"\n[[sites]]\nid = "a"\ntitle = "A"\n'
            '[[events]]\nat = "5m"\ndo = "edit"\nitem = "ghost"\ntext = "t"\n',
            "events[0] (edit): item 'ghost' is not published before this event",
        ),
        (
            'name = "x"\nstart = 2026-01-01T00:00:00Z\nduration = "1h"\n[[sites]]\nid = "a"\ntitle = "A"\n'
            '[[sources]]\nsite = "zz"\nkind = "feed"\npath = "/feed.xml"\nname = "n"\n',
            "unknown site 'zz'",
        ),
        ('name = "x"\nstart = 2026-01-01T00:00:00Z\nduration = "1h"\n', "sites: Field required"),
        ("name = = 3", "not valid TOML"),
    ],
)
def test_bad_files_are_one_clear_line(tmp_path, toml, message):
    path = tmp_path / "bad.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_scenario(path)
    text = str(err.value)
    assert text.startswith(f"scenario {path}: ") and "\n" not in text
    assert message in text


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_scenario(tmp_path / "none.toml")


def test_expected_derivation(scenario):
    got = kinds(scenario.expected())
    assert ("new", "a/statements/one", False) in got
    assert ("new", "a/statements/two", False) in got
    assert ("edited", "a/statements/one", False) in got
    assert not any(k == "edited" and u == "a/statements/two" for k, u, _ in got)  # cosmetic is no edit
    # 410 from 40m to 140m: deleted and restored
    assert ("deleted", "a/statements/two", False) in got and ("restored", "a/statements/two", False) in got
    # 5xx for 20m >= 2 x 5m (feed) and 2 x 2m (page): unreachable + recovered for both sources
    at50 = scenario.start + timedelta(minutes=50)
    unreach = [e for e in scenario.expected() if e.kind == "unreachable" and e.at == at50]
    assert {e.url for e in unreach} == {"sim://a/feed.xml", "sim://a/statements/one"}
    assert all(not e.optional for e in unreach)
    # down for 10m: 10m >= 2 x 5m and >= 2 x 2m, so required for both
    at80 = [
        e for e in scenario.expected() if e.kind == "unreachable" and e.at == at50 + timedelta(minutes=30)
    ]
    assert {(e.url, e.optional) for e in at80} == {
        ("sim://a/feed.xml", False),
        ("sim://a/statements/one", False),
    }
    # rate limit, malformed, oversized: only optional
    late = [
        e
        for e in scenario.expected()
        if e.at >= scenario.start + timedelta(minutes=115) and e.kind in ("unreachable", "recovered")
    ]
    assert late and all(e.optional for e in late)
    # flap produces nothing; republish produces new + republished
    assert ("republished", "a/statements/one-again", False) in got
    assert ("new", "a/statements/one-again", False) in got
    # site c has no sources: nothing expected there
    assert not any(u.startswith("c/") for _, u, _ in got)


def test_short_faults_and_deletions(make_scenario, base_data):
    events = [
        *base_data["events"][:4],
        {"at": "20m", "do": "outage", "site": "a", "for": "3m"},  # 3m: page (2m) optional, feed (5m) nothing
        {"at": "30m", "do": "outage", "site": "a", "for": "4m"},  # 4m: page required, feed nothing
        {"at": "40m", "do": "delete", "item": "two"},
        {"at": "45m", "do": "restore", "item": "two"},  # gone 5m < deletion_gap: nothing
        {"at": "60m", "do": "delete", "item": "one"},
        {"at": "72m", "do": "restore", "item": "one"},  # gone 12m: >= gap, < gap + 2p: optional
    ]
    exp = make_scenario(events=events).expected()
    at20 = [e for e in exp if e.kind == "unreachable" and e.at.minute == 20]
    assert [(e.url, e.optional) for e in at20] == [("sim://a/statements/one", True)]
    at30 = [e for e in exp if e.kind == "unreachable" and e.at.minute == 30]
    assert [(e.url, e.optional) for e in at30] == [("sim://a/statements/one", False)]
    assert not any(e.url.endswith("/two") and e.kind in ("deleted", "restored") for e in exp)
    one = [(e.kind, e.optional) for e in exp if e.url.endswith("/one") and e.kind in ("deleted", "restored")]
    assert one == [("deleted", True), ("restored", True)]


def test_expect_and_no_expect_override(make_scenario):
    scn = make_scenario(
        no_expect=[{"kind": "edited", "item": "one"}],
        expect=[{"kind": "overdue", "source": "B feed", "at": "2h", "note": "B stays silent"}],
    )
    exp = scn.expected()
    assert not any(e.kind == "edited" for e in exp)
    overdue = [e for e in exp if e.kind == "overdue"]
    assert overdue[0].url == "sim://b/feed.xml" and overdue[0].at == scn.start + timedelta(hours=2)


def test_absolute_times_and_add_at(make_scenario, base_data):
    sources = [{**base_data["sources"][1], "add_at": "30m"}]
    events = [{**base_data["events"][0], "at": "2026-03-12T08:00:00Z"}, base_data["events"][4]]
    exp = make_scenario(sources=sources, events=events).expected()
    # the page source starts at 30m: it reports `new` then, and never sees the 20m edit happen
    assert [(e.kind, e.at.strftime("%H:%M")) for e in exp] == [("new", "09:30")]
