"""A genuine Zendesk export served back as the incremental API would give it: `okam sync`
loads the same tickets, with the same figures, as importing the export itself.

The export (../shared/realdata, 16,476 tickets) is read at test time, never copied: each
line becomes a ticket and its metric set (times back to UTC from the calendar's zone)."""

from __future__ import annotations

import csv
import gzip
import io
import os
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from connector_support import TICKET_FIGURES, TOKEN, query, run
from fake_zendesk import PATH, ZendeskAccount, metric_set, ticket

# beside the repository (as for tests/test_realdata.py), or where OKAM_REALDATA says
REALDATA = Path(
    os.environ.get("OKAM_REALDATA")
    or Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
)
EXPORT = REALDATA / "zendesk_tickets_export.csv.gz"
ZONE = ZoneInfo("Europe/Paris")  # the business calendar's default zone
COMPARED = (
    "select ticket_id, client, title, category, priority, priority_raw, status, status_raw,"
    " assignee, team, created_at, first_response_at, resolved_at, closed_at, reopen_count,"
    " source_resolution_minutes, source_resolution_business_minutes, source_response_minutes"
    " from tickets order by ticket_id"
)

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.slow,
    pytest.mark.skipif(not EXPORT.is_file(), reason="../shared/realdata is absent"),
]


def utc(text: str) -> str | None:
    """An export time (the calendar's zone) as the API's UTC stamp; none for 1900-01-01."""
    if not text or text.startswith("1900-01-01"):
        return None
    local = datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZONE)
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def number(text: str) -> int | None:
    return int(text) if text.strip() else None


def account_from_export(lines: list[dict], base_url: str) -> ZendeskAccount:
    """The export's tickets as an account's change log (in the order of their updates)."""
    account = ZendeskAccount(base_url=base_url, page_size=1000)
    groups = sorted({line["Group"] for line in lines if line["Group"]})
    group_ids = {name: 100 + i for i, name in enumerate(groups)}
    account.groups = [{"id": i, "name": name} for name, i in group_ids.items()]
    for line in sorted(lines, key=lambda line: line["Updated at"]):
        item = ticket(int(line["Id"]), None, line["Status"].lower(), line["Priority"].lower(),
                      utc(line["Created at"]), utc(line["Updated at"]), None,
                      group_ids.get(line["Group"]), None, int(line["Requester id"]))  # fmt: skip
        item["type"] = None
        full = (number(line["Full resolution time in minutes"]),
                number(line["Full resolution time in minutes within business hours"]))  # fmt: skip
        reply = (None, number(line["First reply time in minutes within business hours"]))
        metrics = metric_set(item["id"], reply, full, int(line["Reopens"]), utc(line["Solved at"]))
        account.change(item, metrics)
    return account


def test_sync_of_the_real_export_matches_its_import(tmp_path, httpserver, monkeypatch, capsys):
    text = gzip.decompress(EXPORT.read_bytes()).decode("utf-8")
    lines = list(csv.DictReader(io.StringIO(text)))
    account = account_from_export(lines, httpserver.url_for("").rstrip("/"))
    httpserver.expect_request(PATH).respond_with_handler(account.handle)
    monkeypatch.setenv("ZENDESK_TOKEN", TOKEN)
    synced, imported = tmp_path / "synced.duckdb", tmp_path / "imported.duckdb"
    run(capsys, "connections", "add", "real", "--type", "zendesk", "--base-url",
        httpserver.url_for("/"), "--user", "a@example.com", "--secret-env", "ZENDESK_TOKEN",
        "--db", str(synced))  # fmt: skip
    code, out, err = run(capsys, "sync", "--db", str(synced))
    assert (code, err, out[0]["rows_loaded"], account.requests) == (0, "", 16476, 17)
    export = tmp_path / "zendesk_tickets_export.csv"
    export.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "import", str(export), "--preset", "zendesk", "--db", str(imported))
    assert (code, out[0]["rows_loaded"]) == (0, 16476)
    figures = query(synced, TICKET_FIGURES)
    assert figures == query(imported, TICKET_FIGURES)
    # count, solved (the 12,270 closed are "closed"), Zendesk's full resolution minutes, and
    # the minutes from creation to solved as the metrics compute them
    assert figures == [(16476, 2139, 177434390, 177433944)]
    assert query(synced, COMPARED) == query(imported, COMPARED)
