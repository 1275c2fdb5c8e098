"""`chuxin run` on a terminal shows a progress bar and a summary table; off one, plain logs."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
CHUXIN = str(Path(sys.executable).parent / "chuxin")
ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")


def env(tmp_path) -> dict:
    e = {**os.environ, "PREFECT_HOME": str(tmp_path / "home"), "COLUMNS": "120"}
    e.pop("PREFECT_API_URL", None)
    return e


def test_terminal_run_shows_progress_and_summary(raw_dir, tmp_path):
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([CHUXIN, "run", "--raw-dir", str(raw_dir), "--data-dir", str(tmp_path / "d")],
                            stdin=terminal, stdout=terminal, stderr=terminal, env=env(tmp_path), close_fds=True)
    os.close(terminal)
    chunks = []
    while True:
        try:
            data = os.read(controller, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=300) == 0
    os.close(controller)
    screen = ANSI.sub("", b"".join(chunks).decode("utf-8", errors="replace"))
    assert "loading, validating, publishing" in screen and "extracting batches" in screen
    assert "checks passed" in screen and "quarantined" in screen  # the summary table's header
    assert "| INFO" not in screen  # Prefect's INFO chatter is kept off the terminal


def test_plain_logs_off_a_terminal(raw_dir, tmp_path):
    done = subprocess.run([CHUXIN, "run", "--raw-dir", str(raw_dir), "--data-dir", str(tmp_path / "d")],
                          capture_output=True, text=True, env=env(tmp_path), timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout + done.stderr
    assert "| INFO" in out and "━" not in out
    assert re.search(r"run \S+: 5 files seen \(5 new", out)


def test_a_closed_pipe_ends_quietly(tmp_path):
    """`chuxin evaluate | head`: the reader closes the pipe before chuxin writes. No traceback,
    and the shell's exit code for a closed pipe (141), as other Unix tools give."""
    root = Path(__file__).resolve().parents[1]
    args = ["evaluate", "--raw-dir", "tests/gold_hard/raw", "--gold", "tests/gold_hard/gold.json"]
    proc = subprocess.Popen([CHUXIN, *args], cwd=root, env=env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before the first write: chuxin takes a second to import
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert "Traceback" not in err and "BrokenPipe" not in err, err
