"""The commands the demo's summary suggests next, written so that they run as printed.

`scripts/demo.sh` installs into a venv without activating it, so a bare `model-monitor` is not on
the PATH of the shell that ran it: the commands name the running venv's executable by its full
path (and say how to activate the venv instead). Paths are shell-quoted.
"""

from __future__ import annotations

import datetime as dt
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

EXECUTABLE = "model-monitor"


def cli_executable() -> str:
    """Return the full path of this interpreter's `model-monitor`, else the one on the PATH."""
    beside = Path(sys.executable).parent / EXECUTABLE
    if beside.is_file():
        return str(beside.absolute())
    return shutil.which(EXECUTABLE) or EXECUTABLE


def activate_script(executable: str) -> Path | None:
    """Return the venv's `activate` next to the executable, if there is one."""
    script = Path(executable).parent / "activate"
    return script if Path(executable).is_absolute() and script.is_file() else None


@dataclass(frozen=True)
class FollowUps:
    """What to run after the demo, against its project, profile and clock."""

    project_dir: Path
    profiles_dir: Path
    now: dt.datetime
    executable: str

    def command(self, name: str, *extra: str) -> str:
        """Return one command line, shell-quoted."""
        where = ["--project-dir", str(self.project_dir), "--profiles-dir", str(self.profiles_dir)]
        return shlex.join([self.executable, name, *where, *extra])

    @property
    def now_text(self) -> str:
        """The demo's clock as --now takes it."""
        return f"{self.now:%Y-%m-%d %H:%M}"

    def explore(self) -> list[str]:
        """The drift, performance and evaluate commands."""
        return [
            self.command("drift"),
            self.command("performance"),
            self.command("evaluate", "--now", self.now_text),
        ]

    def all_alerts(self) -> str:
        """The command listing every alert of the demo's evaluation, storing and sending nothing."""
        return self.command("evaluate", "--now", self.now_text, "--dry-run")

    def activation_hint(self) -> str | None:
        """How to type `model-monitor` without the path, when the venv can be activated."""
        script = activate_script(self.executable)
        if script is None:
            return None
        return f"or first `source {shlex.quote(str(script))}`, then type {EXECUTABLE} ..."


def follow_ups(project_dir: Path, profiles_dir: Path, now: dt.datetime) -> FollowUps:
    """Return the follow-up commands for a demo run, naming this venv's executable."""
    return FollowUps(Path(project_dir), Path(profiles_dir), now, cli_executable())
