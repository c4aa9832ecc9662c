"""Tempo Cloud worklogs (API v4): GET /4/worklogs?updatedFrom=..., paged by metadata.next.

Bearer token. A worklog names its issue by id and its author by Atlassian account id only;
the client is the customer of the Tempo account logged on it (the `_Account_` work
attribute, read through GET /4/accounts): a Jira organisation is out of Tempo's reach.
With --option jira_url= (and jira_user=, jira_token_env=) people's names, issue keys and
project names are read from Jira; without, the account id stands for the person, the issue
id for its key. Rows take the columns of Tempo's worklogs report export (tempo preset)."""

from __future__ import annotations

from typing import Any

from okam_analytics.connectors.base import (
    Batch,
    Connection,
    Context,
    Fetched,
    Watermark,
    dig,
    read_secret,
)
from okam_analytics.connectors.http import Api, SyncError, check_base_url

LABEL = "Tempo"
PRESET = "tempo"
ENDPOINT = "/4/worklogs"
ACCOUNTS = "/4/accounts"
LIMIT = 5000  # the largest page Tempo gives
MAX_PAGES = 10_000
EDGE_SECONDS = 1
ACCOUNT_ATTRIBUTE = "_Account_"
JIRA_BATCH = 100  # issue ids per Jira search
HEADERS = [
    "Worklog Id",
    "Issue Key",
    "Hours",
    "Billed Hours",
    "Work date",
    "Username",
    "Full name",
    "Account Key",
    "Account Name",
    "Account Customer",
    "Project Name",
    "Work Description",
]


def client(connection: Connection, token: str) -> Api:
    """The Tempo API token as a bearer."""
    return Api(connection.base_url, LABEL, headers={"Authorization": f"Bearer {token}"})


def check(context: Context) -> str:
    """One worklog page of one: the token reads worklogs."""
    page = context.api.json("GET", ENDPOINT, params={"limit": 1})
    return f"worklogs readable ({dig(page, 'metadata.count') or 0} on the first page)"


def pages(api: Api, path: str, params: dict[str, Any]) -> list[dict]:
    """Every result of a Tempo list, following metadata.next."""
    results: list[dict] = []
    url: str | None = path
    for _ in range(MAX_PAGES):
        page = api.json("GET", url, params=params)
        if not isinstance(page, dict):
            raise SyncError(f"Tempo's answer to {path} is not a JSON object; nothing was loaded.")
        results += page.get("results") or []
        url, params = dig(page, "metadata.next"), None
        if not url:
            break
    return results


def account_key(worklog: dict) -> str | None:
    """The Tempo account logged on a worklog (its `_Account_` attribute)."""
    for value in dig(worklog, "attributes.values") or []:
        if value.get("key") == ACCOUNT_ATTRIBUTE:
            return value.get("value")
    return None


def jira_api(context: Context) -> Api | None:
    """The Jira client named by the connection's jira_* options, or None."""
    url = context.option("jira_url")
    if not url:
        return None
    user, variable = context.option("jira_user"), context.option("jira_token_env")
    if not user or not variable:
        raise SyncError("--option jira_url needs jira_user= and jira_token_env= too.")
    return Api(check_base_url(url), "Jira", auth=(user, read_secret(variable)))


def jira_names(jira: Api, people: set[str], issues: set[str]) -> tuple[dict, dict]:
    """Display names by account id, and (key, project name) by issue id, from Jira."""
    names = {}
    for account in sorted(people):
        user = jira.json("GET", "/rest/api/3/user", params={"accountId": account})
        names[account] = user.get("displayName") or account
    found: dict[str, tuple[str, str]] = {}
    ordered = sorted(issues, key=int)
    for start in range(0, len(ordered), JIRA_BATCH):
        part = ordered[start : start + JIRA_BATCH]
        params = {"jql": f"id in ({','.join(part)})", "fields": "project", "maxResults": 100}
        for issue in pages_jira(jira, params):
            found[str(issue["id"])] = (issue.get("key"), dig(issue, "fields.project.name"))
    return names, found


def pages_jira(jira: Api, params: dict[str, Any]) -> list[dict]:
    """Every issue of a Jira enhanced search, following nextPageToken."""
    issues: list[dict] = []
    for _ in range(MAX_PAGES):
        page = jira.json("GET", "/rest/api/3/search/jql", params=params)
        issues += page.get("issues") or []
        if not page.get("nextPageToken"):
            break
        params = params | {"nextPageToken": page["nextPageToken"]}
    return issues


def row(worklog: dict, accounts: dict, names: dict, issues: dict) -> dict[str, Any]:
    """One worklog as a line of the worklogs report export."""
    person, issue = dig(worklog, "author.accountId"), str(dig(worklog, "issue.id") or "")
    account = accounts.get(account_key(worklog)) or {}
    key, project = issues.get(issue, (issue, ""))
    day, time = worklog.get("startDate") or "", worklog.get("startTime") or "00:00:00"
    return {
        "Worklog Id": worklog.get("tempoWorklogId"),
        "Issue Key": key,
        "Hours": round((worklog.get("timeSpentSeconds") or 0) / 3600, 6),
        "Billed Hours": round((worklog.get("billableSeconds") or 0) / 3600, 6),
        "Work date": f"{day} {time}",
        "Username": person,
        "Full name": names.get(person, person),
        "Account Key": account.get("key"),
        "Account Name": account.get("name"),
        "Account Customer": dig(account, "customer.name"),
        "Project Name": project,
        "Work Description": worklog.get("description"),
    }


def fetch(context: Context) -> Fetched:
    """Worklogs updated since the cursor (or from --since, or all), with their names."""
    batch = Batch(PRESET, HEADERS, "Worklog Id", mapping={"entry_id": "Worklog Id"})
    mark = Watermark.load(context.cursor, EDGE_SECONDS)
    params: dict[str, Any] = {"limit": LIMIT}
    if mark.at:
        params["updatedFrom"] = mark.at
    elif context.since:
        params["from"] = context.since.astimezone(context.timezone).date().isoformat()
    changed = [
        w for w in pages(context.api, ENDPOINT, params)
        if mark.is_new(w.get("tempoWorklogId"), w.get("updatedAt"))
    ]  # fmt: skip
    if not changed:
        return Fetched([batch], context.cursor)
    accounts = {a.get("key"): a for a in pages(context.api, ACCOUNTS, {"limit": LIMIT})}
    names, issues = {}, {}
    jira = jira_api(context)
    if jira is not None:
        try:
            people = {dig(w, "author.accountId") for w in changed} - {None}
            ids = {str(dig(w, "issue.id")) for w in changed if dig(w, "issue.id")}
            names, issues = jira_names(jira, people, ids)
        finally:
            jira.close()
    for worklog in changed:
        batch.rows.append(row(worklog, accounts, names, issues))
        mark.note(worklog.get("tempoWorklogId"), worklog.get("updatedAt"))
    return Fetched([batch], mark.dump() or context.cursor)
