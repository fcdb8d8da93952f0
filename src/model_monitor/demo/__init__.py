"""`model-monitor demo`: a generated production story, monitored by the bundled dbt project."""

from model_monitor.demo.runner import (
    DbtCommandError,
    DemoError,
    DemoOutputError,
    DemoResult,
    DriftRow,
    PackageNotFoundError,
    run_demo,
)
from model_monitor.demo.scenario import Scenario, ScenarioFacts, generate_scenario, write_scenario

__all__ = [
    "DbtCommandError",
    "DemoError",
    "DemoOutputError",
    "DemoResult",
    "DriftRow",
    "PackageNotFoundError",
    "Scenario",
    "ScenarioFacts",
    "generate_scenario",
    "run_demo",
    "write_scenario",
]
