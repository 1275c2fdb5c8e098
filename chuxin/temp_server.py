"""A temporary Prefect server for one ``chuxin run``, started before the heavy imports.

With no Prefect API configured, Prefect starts a temporary server itself, but only once
the flow is called: after this process has imported Prefect, DuckDB and pyarrow (~1 s)
and Prefect's own server module (~1.5 s, only to launch the subprocess). Started here
first, the server boots while those imports run, and this process never imports the
server module. Same server, same command line and settings as Prefect's own
(``prefect.server.api.server.SubprocessASGIServer``); about 2.5 s less per run
(BENCHMARKS.md).

Nothing here imports Prefect: that would defeat the purpose.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

PORT_IN_USE = 3  # uvicorn's exit code when the port is taken


def wanted() -> bool:
    """Whether to start the server here: only when Prefect would start a temporary one itself.

    That is: Prefect not imported yet in this process (its settings are read once, at import,
    so the API URL must be in the environment before), no API URL in the environment, and none
    possible from Prefect's settings files — the default ``ephemeral`` profile without one, and
    no prefect.toml, .env or ``[tool.prefect]`` here. In any other case Prefect's own rules
    apply unchanged, only without the head start.
    """
    return "prefect" not in sys.modules and no_api_configured(os.environ, Path.cwd())


def no_api_configured(environ, cwd: Path) -> bool:
    """True when Prefect, given this environment and working directory, would start a temporary server."""
    if environ.get("PREFECT_API_URL"):
        return False
    allow = environ.get("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "true").strip().lower()
    if allow in ("0", "false", "no", "off"):
        return False
    if (cwd / "prefect.toml").exists() or (cwd / ".env").exists():
        return False
    pyproject = cwd / "pyproject.toml"
    if pyproject.exists() and "[tool.prefect" in pyproject.read_text(encoding="utf-8", errors="replace"):
        return False
    return _default_profile_without_api(environ)


def _default_profile_without_api(environ) -> bool:
    home = Path(environ["PREFECT_HOME"]) if environ.get("PREFECT_HOME") else Path.home() / ".prefect"
    path = Path(environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml")
    profiles: dict = {}
    if path.exists():
        try:
            profiles = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return False  # let Prefect read (and complain about) it
    active = environ.get("PREFECT_PROFILE") or profiles.get("active", "ephemeral")
    return active == "ephemeral" and "PREFECT_API_URL" not in profiles.get("profiles", {}).get(active, {})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the server process: SIGTERM when chuxin dies, even by kill -9 (no orphaned server)."""
    import ctypes
    import signal

    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


class TemporaryServer:
    def __init__(self) -> None:
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> TemporaryServer:
        self.port = _free_port()
        prefect_dir = Path(importlib.util.find_spec("prefect").origin).parent
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_dir.parent), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"], env=env,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        return self

    def wait_ready(self, timeout: float) -> None:
        """Block until the server answers its health check (restarting it once on a port clash)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code == PORT_IN_USE:
                self.start()
                continue
            if code is not None:
                raise RuntimeError(f"the temporary Prefect server exited with code {code} while starting")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the temporary Prefect server did not answer within {timeout:.0f} s")

    def stop(self, graceful: bool = True) -> None:
        """Terminate (as Prefect does), or kill a server that served nothing: its graceful
        shutdown can take seconds, and SQLite keeps its database safe either way."""
        if self.process is None:
            return
        if graceful:
            self.process.terminate()
        else:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
