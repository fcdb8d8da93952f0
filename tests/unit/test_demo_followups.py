"""The commands the demo prints next run as printed: from another directory, venv not activated."""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from model_monitor.demo import DemoResult, run_demo
from model_monitor.demo.alerts import SHOWN_ALERTS
from model_monitor.demo.followup import FollowUps, cli_executable

ALL_PREFIX = "; all: "


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    """The demo, small: 3,000 churn predictions over 14 days."""
    return run_demo(workdir=tmp_path_factory.mktemp("demo followups"), rows=3000, days=14)


def printed_commands(lines: list[str]) -> dict[str, list[str]]:
    """The follow-up commands as a reader would copy them: the Explore block and the 'all:'."""
    start = next(i for i, line in enumerate(lines) if line.startswith("Explore"))
    commands = {}
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        argv = shlex.split(line)
        commands[argv[1]] = argv
    (showing,) = [line for line in lines if line.startswith("Showing ")]
    commands["all alerts"] = shlex.split(showing.split(ALL_PREFIX, 1)[1])
    return commands


def run_printed(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a printed command in a fresh shell environment whose PATH lacks the venv."""
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = path
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_the_printed_follow_up_commands_run_as_printed(demo: DemoResult, tmp_path: Path):
    lines = demo.summary_lines()
    commands = printed_commands(lines)
    assert list(commands) == ["drift", "performance", "evaluate", "all alerts"]
    for argv in commands.values():
        assert Path(argv[0]).is_absolute() and Path(argv[0]).name == "model-monitor"
        assert Path(argv[0]).is_file(), argv[0]
    explore = next(line for line in lines if line.startswith("Explore"))
    assert "source " in explore and "activate" in explore
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    drift = run_printed(commands["drift"], elsewhere)
    assert drift.returncode == 0, drift.stderr
    assert "monthly_charges" in drift.stdout

    performance = run_printed(commands["performance"], elsewhere)
    assert performance.returncode == 0, performance.stderr
    assert "accuracy" in performance.stdout

    # Every alert of the demo's evaluation, listed without storing or sending anything.
    listed = run_printed(commands["all alerts"], elsewhere)
    assert listed.returncode == 1, listed.stderr  # 1: alerts at or above the default fail-on
    match = re.search(r"^(\d+) alerts \(", listed.stdout, re.MULTILINE)
    assert match and int(match.group(1)) == len(demo.alerts) > SHOWN_ALERTS, listed.stdout
    assert "dry run: nothing stored or sent" in listed.stdout

    evaluate = run_printed(commands["evaluate"], elsewhere)
    assert evaluate.returncode in (0, 1), evaluate.stderr
    assert "Traceback" not in evaluate.stderr and "alert" in evaluate.stdout.lower()


def test_follow_ups_quote_paths_and_name_this_venvs_executable(tmp_path: Path):
    odd = tmp_path / "my demo's dir"
    commands = FollowUps(odd / "project", odd, dt.datetime(2024, 3, 1, 0, 0), cli_executable())
    argv = shlex.split(commands.all_alerts())
    assert argv == [
        cli_executable(),
        "evaluate",
        "--project-dir", str(odd / "project"),
        "--profiles-dir", str(odd),
        "--now", "2024-03-01 00:00",
        "--dry-run",
    ]  # fmt: skip
    assert cli_executable() == str(Path(sys.executable).parent / "model-monitor")
