"""Browser tests (run by `make test-browser`, not by the unit-test phase), and the server
helpers they share with tests/test_lecture.py."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request

import psutil
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A Jupyter or Voila server subprocess on 127.0.0.1, logging to `log_path`.

    Waits until `ready_path` answers 200; `stop()` ends it and every kernel it started.
    """

    def __init__(self, command, port, env, log_path, ready_path="/", cwd=None, timeout=120):
        self.port, self.log_path = port, log_path
        self.url = f"http://127.0.0.1:{port}"
        with open(log_path, "w") as log:
            # cwd: `python -m` puts it first on sys.path, so it must hold no stray modules.
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
                                            start_new_session=True)
        self._wait_until_ready(ready_path, timeout)

    def _wait_until_ready(self, ready_path, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server exited with {self.process.returncode}:\n{self.log_tail()}", pytrace=False)
            try:
                with urllib.request.urlopen(self.url + ready_path, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        pytest.fail(f"server not ready after {timeout} s:\n{self.log_tail()}", pytrace=False)

    def log_tail(self, lines=40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        # Kernels run in their own sessions, so list them before the server goes. SIGTERM
        # lets the server shut them down; whatever is left (a server stuck on a cell) is killed.
        if self.process.poll() is not None:
            return
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        for child in children:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
