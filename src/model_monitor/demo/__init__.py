"""`model-monitor demo`: a generated production story, monitored by the bundled dbt project."""

from model_monitor.demo.errors import (
    DbtCommandError,
    DemoError,
    DemoOutputError,
    PackageNotFoundError,
)
from model_monitor.demo.facts import ScenarioFacts
from model_monitor.demo.results import DriftRow
from model_monitor.demo.runner import DemoResult, run_demo
from model_monitor.demo.scenario import Scenario, generate_scenario, write_scenario
from model_monitor.demo.story import CoverageDay, PerformanceStory, PeriodPerformance, TailEstimate

__all__ = [
    "CoverageDay",
    "DbtCommandError",
    "DemoError",
    "DemoOutputError",
    "DemoResult",
    "DriftRow",
    "PackageNotFoundError",
    "PerformanceStory",
    "PeriodPerformance",
    "Scenario",
    "ScenarioFacts",
    "TailEstimate",
    "generate_scenario",
    "run_demo",
    "write_scenario",
]
