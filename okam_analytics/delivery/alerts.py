"""SLA alerts (SPEC 11): the open escalations that became at risk or breached since the last
run, as one webhook payload (Slack-compatible `text` plus a structured list) and one e-mail.

A ticket is alerted once per state: the sent_alerts table remembers (source, ticket_id,
state), written only after every channel delivered.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb
import httpx
import pandas as pd

from okam_analytics import db, formatting
from okam_analytics.delivery import mail, templates
from okam_analytics.i18n import translator
from okam_analytics.metrics import sla_risk

ALERT_STATES = ("at_risk", "breached")
WEBHOOK_TIMEOUT_SECONDS = 15


def new_alerts(con: duckdb.DuckDBPyConnection, cfg: dict[str, Any], now: datetime) -> pd.DataFrame:
    """Open escalations at risk or breached at now whose state was not alerted yet."""
    risk = sla_risk.escalation_risk(con, cfg, now)
    risk = risk[risk["risk_state"].isin(ALERT_STATES)]
    sent = db.query_df(con, "sent_alerts_list")
    keys = ["source", "ticket_id", "risk_state"]
    seen = risk.merge(sent, on=keys, how="left", indicator=True)["_merge"] == "both"
    return risk[~seen.to_numpy()].reset_index(drop=True)


def ticket_link(base_url: str, row: pd.Series, day: date) -> str:
    """The Escalations page for the ticket's client on the as-of day, the ticket's detail open."""
    ticket = f"{row['source']}:{row['ticket_id']}"
    query = urlencode({"client": row["client"], "asof": day.isoformat(), "ticket": ticket})
    return f"{base_url.rstrip('/')}/escalations?{query}"


def describe(row: pd.Series, lang: str) -> dict[str, Any]:
    """The texts of one alert: state, time left or overdue, on which target and clock."""
    t = translator(lang)
    left = float(row["minutes_left"])
    target = t(f"alerts.target.{row['target']}")
    clock = t(f"alerts.clock.{row['clock']}")
    time = formatting.duration_minutes(abs(left), lang)
    return {
        "state_text": t(f"alerts.state.{row['risk_state']}"),
        "time_left": None if left < 0 else time,
        "overdue": time if left < 0 else None,
        "when_text": t("alerts.overdue" if left < 0 else "alerts.left", time=time, target=target)
        + f" ({clock})",
    }


def alert_items(
    frame: pd.DataFrame, base_url: str, now: datetime, lang: str, day: date | None = None
) -> list[dict]:
    """One structured entry per alert (the webhook's `alerts` list and the e-mail's rows);
    links open the as-of day (default: the day of now)."""
    items = []
    for _, row in frame.iterrows():
        texts = describe(row, lang)
        items.append(
            {
                "ticket": str(row["ticket_id"]),
                "source": row["source"],
                "client": row["client"],
                "priority": row["priority"],
                "assignee": row["assignee"] if pd.notna(row["assignee"]) else None,
                "state": row["risk_state"],
                "target": row["target"],
                "clock": row["clock"],
                "consumed_share": round(float(row["consumed_share"]), 3),
                "minutes_left": round(float(row["minutes_left"]), 1),
                "time_left": texts["time_left"],
                "overdue": texts["overdue"],
                "link": ticket_link(base_url, row, day or now.date()),
                "state_text": texts["state_text"],
                "when": texts["when_text"],
                "text": f"{texts['state_text']} · {row['ticket_id']} · {row['client']} · "
                f"{row['priority']} · {texts['when_text']}",
            }
        )
    return items


def payload(items: list[dict], now: datetime, lang: str) -> dict[str, Any]:
    """The webhook body: a Slack-compatible `text` (one line per alert) and the list."""
    t = translator(lang)
    heading = t("alerts.heading", count=len(items), now=formatting.moment(now, lang))
    lines = [
        f"• {slack_escape(item['text'])} <{item['link']}|{t('alerts.view')}>" for item in items
    ]
    return {"text": "\n".join([heading, *lines]), "evaluated_at": now.isoformat(), "alerts": items}


def slack_escape(text: str) -> str:
    """Data as literal text in Slack's mrkdwn: &, < and > are its control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def post_webhook(url: str, body: dict[str, Any]) -> None:
    """POST the payload as JSON; a DeliveryError when the receiver does not accept it."""
    try:
        response = httpx.post(url, json=body, timeout=WEBHOOK_TIMEOUT_SECONDS)
        response.raise_for_status()
    except httpx.HTTPStatusError as exc:
        code = exc.response.status_code
        raise mail.DeliveryError(f"The webhook {url} refused the alerts (HTTP {code}).") from exc
    except httpx.HTTPError as exc:
        raise mail.DeliveryError(f"Could not reach the webhook {url}: {exc}") from exc


def write_payload(body: dict[str, Any], folder: str | Path) -> Path:
    """--dry-run: the webhook payload as a JSON file in folder instead of a POST."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"alerts-{body['evaluated_at'].replace(':', '')}.json"
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def alert_email(items: list[dict], now: datetime, lang: str, sender: str, recipient: str):
    """The alerts as one e-mail with text and HTML parts."""
    t = translator(lang)
    context = {"t": t, "items": items, "heading": payload(items, now, lang)["text"].split("\n")[0]}
    return mail.message(
        sender,
        recipient,
        t("alerts.subject", count=len(items)),
        templates.render("alerts.txt", **context),
        templates.render("alerts.html", **context),
    )


def mark_sent(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, sent_at: datetime) -> None:
    """Remember the delivered alerts (ticket and state)."""
    rows = frame[["source", "ticket_id", "risk_state"]].rename(columns={"risk_state": "state"})
    with con.cursor() as cur:
        cur.register("delivered_alerts", rows)
        db.execute(cur, "sent_alerts_add", sent_at=sent_at)
