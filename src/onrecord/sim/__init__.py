"""The scripted world on 127.0.0.1 that the demo, tests and benchmarks run against.

See docs/scenarios.md for the scenario format and the ground-truth rules.
"""

from onrecord.sim.scale import generate_scale_scenario
from onrecord.sim.scenario import Expected, Scenario, builtin_scenario, load_scenario, parse_scenario
from onrecord.sim.score import ScoreReport, check_baseline, score
from onrecord.sim.server import SimServer

__all__ = [
    "Expected",
    "Scenario",
    "ScoreReport",
    "SimServer",
    "builtin_scenario",
    "check_baseline",
    "generate_scale_scenario",
    "load_scenario",
    "parse_scenario",
    "score",
]
