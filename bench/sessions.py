"""Session load: N clients speaking Streamlit's websocket protocol open pages at the same time.

Each client opens `/_stcore/stream`, sends a `rerun_script` BackMsg naming its page and query
string, and waits for the ForwardMsg `script_finished`: the server's whole run of that page,
without a browser. Timings are from the moment all clients have sent their request.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

RUN_TIMEOUT_S = 300
FINISHED = ForwardMsg.FINISHED_SUCCESSFULLY


async def _open(base_url: str) -> websockets.ClientConnection:
    url = base_url.replace("http://", "ws://") + "/_stcore/stream"
    return await websockets.connect(url, subprotocols=["streamlit"], max_size=None)


async def _run_page(ws, page: str, query: str, start: asyncio.Event) -> dict[str, Any]:
    message = BackMsg()
    message.rerun_script.page_name = page
    message.rerun_script.query_string = query
    message.rerun_script.context_info.timezone = "Europe/Paris"
    message.rerun_script.context_info.locale = "en-US"
    await start.wait()
    sent = time.perf_counter()
    await ws.send(message.SerializeToString())
    size, exceptions, messages = 0, 0, []
    while True:
        frame = await asyncio.wait_for(ws.recv(), RUN_TIMEOUT_S)
        size += len(frame)
        forward = ForwardMsg()
        forward.ParseFromString(frame)
        kind = forward.WhichOneof("type")
        if kind == "delta" and forward.delta.new_element.WhichOneof("type") == "exception":
            exceptions += 1
            shown = forward.delta.new_element.exception
            messages.append(f"{page}: {shown.type}: {shown.message}"[:300])
        if kind == "script_finished" and forward.script_finished == FINISHED:
            break
    return {"page": page, "seconds": time.perf_counter() - sent, "bytes": size,
            "exceptions": exceptions, "messages": messages}  # fmt: skip


async def _load(base_url: str, pages: list[str], query: str) -> list[dict[str, Any]]:
    sockets = [await _open(base_url) for _ in pages]
    start = asyncio.Event()
    tasks = [asyncio.create_task(_run_page(ws, p, query, start)) for ws, p in zip(sockets, pages, strict=True)]  # fmt: skip
    await asyncio.sleep(0.5)  # every session is connected and idle before the clock starts
    start.set()
    try:
        return await asyncio.gather(*tasks)
    finally:
        for ws in sockets:
            await ws.close()


def load(base_url: str, pages: list[str], sessions: int, query: str = "") -> dict[str, Any]:
    """`sessions` clients at once, cycling through pages; the spread of their run times."""
    chosen = [pages[i % len(pages)] for i in range(sessions)]
    runs = asyncio.run(_load(base_url, chosen, query))
    seconds = sorted(r["seconds"] for r in runs)
    by_page: dict[str, list[float]] = {}
    for r in runs:
        by_page.setdefault(r["page"], []).append(r["seconds"])
    return {
        "sessions": sessions,
        "first_seconds": seconds[0],
        "median_seconds": statistics.median(seconds),
        "last_seconds": seconds[-1],
        "exceptions": sum(r["exceptions"] for r in runs),
        "exception_messages": sorted({m for r in runs for m in r["messages"]})[:5],
        "max_bytes": max(r["bytes"] for r in runs),
        "by_page": {p: max(v) for p, v in by_page.items()},
    }
