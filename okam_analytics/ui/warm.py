"""Warm the caches in the background: whenever the data version changes (an import, an undo, a
settings change, a sync by another process), this process opens its own pages once, as a
visitor with the default filters would, so the manager's first visit reads cached results.

The warm visits are real sessions over Streamlit's websocket protocol to this server on the
loopback address, so they compute exactly what the pages compute. They carry a header with a
random token that never leaves this process; auth.py lets such a session through.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections.abc import Sequence
from contextlib import closing

import streamlit as st
from streamlit import runtime
from streamlit.logger import get_logger
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from okam_analytics import db
from okam_analytics.ui import data

WARM_HEADER = "X-Okam-Warm"
ENABLED_ENV = "OKAM_WARM_CACHES"
POLL_SECONDS = 3.0  # how often the data version is read (one small query)
RUN_TIMEOUT_S = 300
FINISHED = ForwardMsg.FINISHED_SUCCESSFULLY
LOG = get_logger(__name__)  # Streamlit's own log level and format (the server log)


@st.cache_resource(show_spinner=False)
def _token() -> str:
    return secrets.token_urlsafe(32)


def is_warm_session() -> bool:
    """True in a session this process opened to warm its own caches."""
    given = st.context.headers.get(WARM_HEADER) or ""
    return bool(given) and hmac.compare_digest(given.encode(), _token().encode())


def stream_url() -> str:
    """This server's websocket endpoint on the loopback address."""
    port = st.get_option("server.port")
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"ws://127.0.0.1:{port}/{base + '/' if base else ''}_stcore/stream"


def run_page(url: str, page: str, query: str = "", headers: dict | None = None) -> float:
    """Open a session at url, run one page (url path) with query; seconds until it finished."""
    message = BackMsg()
    message.rerun_script.page_name = page
    message.rerun_script.query_string = query
    started = time.perf_counter()
    with connect(url, subprotocols=["streamlit"], additional_headers=headers,
                 max_size=None, open_timeout=30) as ws:  # fmt: skip
        ws.send(message.SerializeToString())
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(ws.recv(timeout=RUN_TIMEOUT_S))
            kind = forward.WhichOneof("type")
            if kind == "script_finished" and forward.script_finished == FINISHED:
                return time.perf_counter() - started


def _current_version() -> str:
    with closing(data.cursor()) as con:
        return db.data_version(con)


def _watch(pages: tuple[str, ...], warmed: list[str]) -> None:
    while True:
        try:
            version = _current_version()
            if version not in warmed:
                started = time.perf_counter()
                for page in pages:
                    run_page(stream_url(), page, headers={WARM_HEADER: _token()})
                warmed[:] = [version]
                seconds = time.perf_counter() - started
                LOG.info(
                    "warmed %d pages for data version %s in %.1f s", len(pages), version, seconds
                )
        except Exception as exc:  # a busy or closing database: try again at the next poll
            LOG.info("cache warming skipped: %s", exc)
        time.sleep(POLL_SECONDS)


@st.cache_resource(show_spinner=False)
def _watcher(db_key: str, pages: tuple[str, ...]) -> threading.Thread:
    thread = threading.Thread(target=_watch, args=(pages, []), name="okam-warm", daemon=True)
    thread.start()
    return thread


def serving() -> bool:
    """True inside `streamlit run` (a real server to connect to), False under AppTest."""
    return runtime.exists() and type(runtime.get_instance()) is runtime.Runtime  # not a mock


def enabled() -> bool:
    """Warming is asked for by the deployment (OKAM_WARM_CACHES=1): on 2 cores it competes with
    visitors' own runs, and its benefit was not shown there (docs/performance.md)."""
    return os.environ.get(ENABLED_ENV) == "1"


def start(pages: Sequence[str]) -> None:
    """Start (once per process and database) the thread that warms these pages (url paths)."""
    if enabled() and serving() and not is_warm_session():
        _watcher(data.database_key(), tuple(pages))
