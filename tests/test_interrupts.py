"""Interrupted runs: SIGTERM and Ctrl-C stop every worker, remove the temporary files and
print one line (issue 19).

The main tests run a real ``crmkit generate`` with two workers in its own session, signal
it once its temporary folder exists and its workers run, and then look for any process
it started and any temporary file it wrote.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crmkit.cli import main
from crmkit.world.cases import load_config
from crmkit.world.engine import run_blocks, world_block

import psutil  # noqa: E402  (a test dependency: a missing psutil must fail, not skip)

# Big enough that it is still simulating when the signal comes (each block of 10,000
# customers takes about a second); only the first blocks are ever computed.
CUSTOMERS = "300000"


def _start(out: Path, fmt: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "crmkit.cli", "generate", "pschse", "--customers", CUSTOMERS,
               "--workers", "2", "--format", fmt, "--out", str(out), "--quiet"]
    # A session of its own: SIGINT can go to the whole group, as a terminal's Ctrl-C does.
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _temporaries(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}"))


def _wait_until_busy(proc: subprocess.Popen, out: Path, timeout: float = 120) -> list:
    """Wait for the temporary file and both workers; return every process below ``proc``."""
    me = psutil.Process(proc.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"generate ended before the signal: {proc.communicate()}"
        # The resource tracker, the fork server and two workers it forked.
        below = me.children(recursive=True)
        if _temporaries(out) and len(below) >= 4:
            return below
        time.sleep(0.05)
    raise AssertionError("generate never started its workers")


def _alive(processes: list) -> list:
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            pass
    return alive


@pytest.mark.parametrize(("sig", "fmt", "to_group", "code"), [
    (signal.SIGTERM, "parquet", False, 143),  # timeout, a batch scheduler: the main process only
    (signal.SIGINT, "parquet", True, 130),  # Ctrl-C in a terminal: every process of the group
    (signal.SIGINT, "parquet", False, 130),  # a kernel's interrupt: the main process only
    (signal.SIGTERM, "sqlite", False, 143),  # the main process writes, the workers simulate
])
def test_a_signal_stops_everything_and_leaves_nothing(tmp_path, sig, fmt, to_group, code):
    out = tmp_path / ("w.db" if fmt == "sqlite" else "w")
    proc = _start(out, fmt)
    try:
        below = _wait_until_busy(proc, out)
        (os.killpg if to_group else os.kill)(proc.pid, sig)
        # communicate() also waits for every process holding stderr: workers left running would hang it.
        stdout, stderr = proc.communicate(timeout=180)  # generous: CI machines can be busy
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == code
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines() == [f"crmkit: interrupted by {sig.name}; nothing was written to {out}"]
    _, gone_late = psutil.wait_procs(_alive(below), timeout=5)
    assert not gone_late, f"still running: {[p.cmdline() for p in gone_late]}"
    assert list(tmp_path.iterdir()) == []  # no temporary folder or file, no half world


def test_closing_the_blocks_early_ends_the_workers():
    config = load_config("pschse", customers=60_000)
    before = set(multiprocessing.active_children())
    blocks = run_blocks(world_block, config, 2)
    assert "customers" in next(blocks)
    started = set(multiprocessing.active_children()) - before
    assert len(started) == 2
    t0 = time.monotonic()
    blocks.close()  # what happens when the consumer fails or is interrupted
    assert time.monotonic() - t0 < 10  # not after simulating the four blocks still queued
    assert not any(p.is_alive() for p in started)


def test_ctrl_c_in_process_prints_one_line(tmp_path, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("crmkit.world.stream.generate", interrupted)
    out = tmp_path / "w"
    assert main(["generate", "pschse", "--customers", "20", "--out", str(out), "--quiet"]) == 130
    assert capsys.readouterr().err == f"crmkit: interrupted by SIGINT; nothing was written to {out}\n"


def test_the_signal_handlers_come_back_after_main(tmp_path):
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    assert main(["generate", "pschse", "--customers", "20", "--out", str(tmp_path / "w"), "--quiet"]) == 0
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
