"""`model-monitor demo`: a generated production story, monitored by the bundled dbt project."""

from model_monitor.demo.runner import (
    CoverageDay,
    DbtCommandError,
    DemoError,
    DemoOutputError,
    DemoResult,
    DriftRow,
    PackageNotFoundError,
    PerformanceStory,
    PeriodPerformance,
    TailEstimate,
    run_demo,
)
from model_monitor.demo.scenario import Scenario, ScenarioFacts, generate_scenario, write_scenario

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
