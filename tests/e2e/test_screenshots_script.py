"""scripts/screenshots.py, which takes the README's pictures from a fresh demo installation,
keeps working: it fills a demo, serves it and writes real PNG pictures of the pages asked
for; an unknown page name is refused before anything starts."""

import struct
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=900
    )


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


def test_the_script_photographs_the_demo_pages(tmp_path):
    done = run("--out", str(tmp_path), "--only", "login,reports,partner-card")

    assert done.returncode == 0, done.stderr
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == [
        f"{page}-{language}.png"
        for page in ("login", "partner-card", "reports")
        for language in ("en", "ru")
    ]
    for path in tmp_path.iterdir():
        assert png_size(path) == (1366, 860)
        assert path.stat().st_size > 10_000  # a page, not a blank


def test_an_unknown_page_is_refused_before_anything_starts(tmp_path):
    done = run("--out", str(tmp_path / "shots"), "--only", "dashboard,kanban")

    assert done.returncode == 2
    assert "unknown page: kanban" in done.stderr
    assert not (tmp_path / "shots").exists()
