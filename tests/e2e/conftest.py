"""Real-browser tests: Debian's chromium driven by pytest-playwright against `streamlit run app.py`.

Never `playwright install`: the browser is the system's /usr/bin/chromium (apt package chromium).
Without it the tests skip, unless OKAM_E2E_REQUIRED=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "test-output"
SCREENSHOTS = OUTPUT / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_S = 60
# The share-link secret of the servers under test (test_share_link.py mints links with it).
E2E_SHARE_SECRET = "e2e-share-secret-0123456789abcdef"
# Two shared cores: give every wait and assertion room before calling it a failure.
expect.set_options(timeout=20_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def find_chromium() -> str | None:
    """The system chromium binary, if installed."""
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path:
        return path
    message = "Debian's chromium is not installed (apt-get install -y chromium)"
    if os.environ.get("OKAM_E2E_REQUIRED") == "1":
        pytest.fail(f"{message}; OKAM_E2E_REQUIRED=1 makes browser tests mandatory.")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium_path: str) -> dict:
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": CHROMIUM_FLAGS}


@pytest.fixture(autouse=True)
def patient_page(page: Page) -> Page:
    page.set_default_timeout(30_000)
    return page


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll Streamlit's health endpoint until it answers ok, the process dies, or time runs out."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"streamlit not healthy after {STARTUP_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """End the server and anything it started (its own process group)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def running_app(
    work: Path, log_name: str, with_sample: bool = True, **extra_env: str
) -> Iterator[str]:
    """`streamlit run app.py` on a free port with a fresh database and a copy of the sample."""
    sample = work / "sample"
    if with_sample:
        shutil.copytree(REPO / "data" / "sample", sample)
    OUTPUT.mkdir(exist_ok=True)
    log = OUTPUT / log_name
    port = free_port()
    env = {**os.environ, "OKAM_DB": str(work / "okam.duckdb"), "OKAM_SAMPLE_DIR": str(sample)}
    env["OKAM_SECRET"] = E2E_SHARE_SECRET
    env["OKAM_TODAY_REFRESH_SECONDS"] = "2"  # the Today page notices new data within seconds
    env |= extra_env
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.fileWatcherType", "none"]
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log)
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="session")
def app_server(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app shared by the browser tests of a session."""
    with running_app(tmp_path_factory.mktemp("e2e"), "streamlit-e2e.log") as url:
        yield url


@pytest.fixture
def fresh_app_server(chromium_path: str, tmp_path: Path) -> Iterator[str]:
    """A newly started app (no sample data) whose first request is the test's (cold deep links)."""
    with running_app(tmp_path, "streamlit-e2e-fresh.log", with_sample=False) as url:
        yield url


@pytest.fixture
def fresh_sample_server(chromium_path: str, tmp_path: Path) -> Iterator[str]:
    """A newly started app with the sample to load, no request served yet."""
    with running_app(tmp_path, "streamlit-e2e-fresh-sample.log") as url:
        yield url


@pytest.fixture
def warming_app_server(chromium_path: str, tmp_path: Path) -> Iterator[str]:
    """A newly started app with the background cache warming on (OKAM_WARM_CACHES=1)."""
    log = "streamlit-e2e-warming.log"
    with running_app(tmp_path, log, with_sample=False, OKAM_WARM_CACHES="1") as url:
        yield url


@pytest.fixture(scope="session")
def share_secret() -> str:
    """The OKAM_SECRET the app servers run with."""
    return E2E_SHARE_SECRET


@pytest.fixture(scope="session")
def base_url(app_server: str) -> str:
    return app_server


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
