"""The benchmark scripts stay runnable: each one starts and prints its usage. (They import
their shared harness and the project at start-up; a script that no longer imports, as the
dossier benchmark once did after a refactor, fails here rather than on the day it is run.
The scale runs themselves are not part of the suite.)"""

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = sorted(
    p.name for p in BENCHMARKS.glob("*.py") if "__main__" in p.read_text(encoding="utf-8")
)


def test_every_benchmark_script_is_listed():
    assert {"dossier.py", "imap.py", "loyalty.py", "run.py"} <= set(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_benchmark_script_starts(script):
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=BENCHMARKS.parent,
    )
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout
