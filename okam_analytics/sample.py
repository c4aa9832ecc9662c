"""`okam sample`: write the synthetic GLPI and Harvest exports (SPEC sections 7 and 9).

The data comes from `sample_data.generate`; this module only turns its code arrays into the
exact layouts of the real tools. CSV goes through DuckDB (fast, chunked, byte-stable); the small
timesheet goes to an Excel sheet with fixed document dates and zip timestamps, so the same
arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from openpyxl import Workbook

from okam_analytics import sample_data as data
from okam_analytics.cli import UsageError, emit

TICKETS_FILE = "glpi_tickets.csv"
TIMESHEET_XLSX = "harvest_timesheets.xlsx"
TIMESHEET_CSV = "harvest_timesheets.csv"
GLPI_HEADERS = [
    "ID", "Titre", "Entité", "Statut", "Date d'ouverture", "Date de prise en compte",
    "Date de résolution", "Date de clôture", "Dernière modification", "Priorité", "Urgence",
    "Catégorie", "Type", "Attribué à - Technicien", "Attribué à - Groupe de techniciens",
    "Demandeur - Demandeur",
]  # fmt: skip
GLPI_DATES = GLPI_HEADERS[4:9]
HARVEST_HEADERS = [
    "Date", "Client", "Project", "Project Code", "Task", "Notes", "Hours", "Hours Rounded",
    "Billable?", "Invoiced?", "Approved?", "First Name", "Last Name", "Roles", "Employee?",
    "Billable Rate", "Billable Amount", "Cost Rate", "Cost Amount", "Currency",
    "External Reference URL",
]  # fmt: skip
CHUNK_ROWS = 500_000
FROZEN_AT = datetime(2026, 11, 1, 6, 0, 0)  # document and zip dates of the Excel file
YES_NO = ["No", "Yes"]


def run_sample(args: argparse.Namespace) -> int:
    """`okam sample [--out DIR] [--scale small|large|N]`: one JSON line per file written."""
    try:
        data.scale_for(args.scale)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    for path in write_sample(Path(args.out), args.scale, readme_path=args.readme):
        emit({"file": str(path), "bytes": path.stat().st_size})
    return 0


def write_sample(
    out_dir: Path, scale: str | int = "small", readme_path: str | Path | None = None
) -> list[Path]:
    """Write the ticket and timesheet exports (and, if asked, their description); return the exports."""
    spec = data.scale_for(scale)
    sample = data.generate(spec)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tickets = write_glpi(sample, out_dir / TICKETS_FILE)
    if spec.xlsx:
        sheet, stale = write_harvest_xlsx(sample, out_dir / TIMESHEET_XLSX), TIMESHEET_CSV
    else:
        sheet, stale = write_harvest_csv(sample, out_dir / TIMESHEET_CSV), TIMESHEET_XLSX
    (out_dir / stale).unlink(missing_ok=True)  # one timesheet export per folder, never both
    # The description lives outside the folder so `okam import DIR/*` meets only exports.
    (out_dir / "README.md").unlink(missing_ok=True)
    if readme_path:
        Path(readme_path).write_text(readme(sample), encoding="utf-8")
    return [tickets, sheet]


# ---- text columns from code arrays ---------------------------------------------------------------
def _text(codes: np.ndarray, labels: list[str] | np.ndarray) -> pd.Categorical:
    """Labels by code (-1 = empty) as a Categorical: cheap for DuckDB and for pandas."""
    uniq, inverse = np.unique(np.asarray(labels, dtype=object), return_inverse=True)
    codes = np.asarray(codes).astype(np.int64)  # booleans too: False/True -> 0/1
    return pd.Categorical.from_codes(np.where(codes >= 0, inverse[np.maximum(codes, 0)], -1), uniq)


def _moments(start: np.datetime64, minutes: np.ndarray) -> np.ndarray:
    """Minute indices from the start as datetimes (NaT where -1)."""
    return np.where(minutes >= 0, start + minutes.astype("timedelta64[m]"), np.datetime64("NaT"))


def ticket_frame(s: data.Sample, lo: int, hi: int) -> pd.DataFrame:
    """Rows lo..hi of the GLPI export, dates still typed."""
    t = {k: v[lo:hi] for k, v in s.tickets.items()}
    start = np.datetime64(s.scale.start, "m")
    entity = [f"{data.INTERNAL_CLIENT} > {name}" for name in s.clients]
    columns = [
        t["id"], _text(t["title"], s.titles), _text(t["client"], entity),
        _text(t["status"], data.STATUSES),
        *(_moments(start, t[k]) for k in ("created", "response", "resolved", "closed", "modified")),
        _text(t["label"], data.PRIORITY_LABELS), _text(t["urgency"], data.URGENCY_LABELS),
        _text(t["category"], [c for c, _ in data.CATEGORIES]), _text(t["type"], data.TYPES),
        _text(t["assignee"], s.consultants), _text(t["team"], data.TEAMS),
        _text(t["requester"], s.requesters),
    ]  # fmt: skip
    return pd.DataFrame(dict(zip(GLPI_HEADERS, columns, strict=True)))


def entry_frame(s: data.Sample, lo: int, hi: int) -> pd.DataFrame:
    """Rows lo..hi of the Harvest detailed time report, dates and numbers typed."""
    e = {k: v[lo:hi] for k, v in s.entries.items()}
    client, task, who = e["client"], e["task"], e["consultant"]
    n_clients, absence = len(s.clients), task >= data.LEAVE
    billable = (client >= 0) & (task != data.PRESALES)
    project = np.where(absence, 5, np.where(client < 0, 4, s.client_project[client]))
    code = np.where(absence, n_clients + 1, np.where(client < 0, n_clients, client))
    day = np.datetime64(s.scale.start, "D") + e["day"]
    end = np.datetime64(s.scale.end, "D")
    hours = np.round(e["minutes"] / 60, 2)
    rate = np.where(billable, s.billable_rate[who], 0.0)
    names = [p for p, _ in data.PROJECTS] + [data.INTERNAL_PROJECT[0], data.ABSENCE_PROJECT[0]]
    codes = [f"{data.PROJECTS[p][1]}-{1001 + k}" for k, p in enumerate(s.client_project)]
    columns = [
        day, _text(np.where(client < 0, n_clients, client), [*s.clients, data.INTERNAL_CLIENT]),
        _text(project, names),
        _text(code, [*codes, data.INTERNAL_PROJECT[1], data.ABSENCE_PROJECT[1]]),
        _text(task, data.TASKS), _text(e["note"], s.notes), hours,
        np.ceil(e["minutes"] / 15) / 4, _text(billable, YES_NO),
        _text(billable & (day < end.astype("datetime64[M]")), YES_NO),
        _text(day <= end - 7, YES_NO), _text(who, s.first_names), _text(who, s.last_names),
        _text(s.consultant_team[who], data.TEAMS), _text(s.employee[who], YES_NO), rate,
        np.round(hours * rate, 2), s.cost_rate[who], np.round(hours * s.cost_rate[who], 2),
        _text(np.zeros(len(who), np.int64), ["Euro - EUR"]),
        _text(np.full(len(who), -1), ["-"]),
    ]  # fmt: skip
    return pd.DataFrame(dict(zip(HARVEST_HEADERS, columns, strict=True)))


# ---- writers ---------------------------------------------------------------------------------------
def write_glpi(s: data.Sample, path: Path) -> Path:
    """GLPI 10 search export: ';', UTF-8 with BOM, every field quoted, dd-mm-YYYY HH:MM dates."""
    select = ", ".join(
        f"coalesce(strftime({_q(h)}, '%d-%m-%Y %H:%M'), '')"
        if h in GLPI_DATES
        else f"coalesce(cast({_q(h)} as varchar), '')"
        for h in GLPI_HEADERS
    )
    header = ";".join(f'"{h}"' for h in GLPI_HEADERS) + "\n"
    options = "format csv, delimiter ';', quote '\"', force_quote *, header false"
    total = len(s.tickets["id"])
    _write_csv(
        path, "\ufeff" + header, select, options, total, lambda lo, hi: ticket_frame(s, lo, hi)
    )
    return path


def write_harvest_csv(s: data.Sample, path: Path) -> Path:
    """Harvest detailed time report as CSV: ',' and ISO dates, quoted only where needed."""
    select = ", ".join('cast("Date" as date)' if h == "Date" else _q(h) for h in HARVEST_HEADERS)
    header = ",".join(HARVEST_HEADERS) + "\n"
    total = len(s.entries["day"])
    _write_csv(
        path,
        header,
        select,
        "format csv, header false",
        total,
        lambda lo, hi: entry_frame(s, lo, hi),
    )
    return path


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _write_csv(path: Path, header: str, select: str, options: str, total: int, frame) -> None:
    """Stream the rows chunk by chunk through DuckDB into one file that starts with `header`."""
    part = path.with_name(path.name + ".part")
    literal = str(part).replace("'", "''")
    con = duckdb.connect()
    con.execute("set threads = 2; set preserve_insertion_order = true")
    try:
        with path.open("wb") as out:
            out.write(header.encode("utf-8"))
            for lo in range(0, total, CHUNK_ROWS):
                con.register("chunk", frame(lo, min(lo + CHUNK_ROWS, total)))
                con.execute(f"copy (select {select} from chunk) to '{literal}' ({options})")
                con.unregister("chunk")
                with part.open("rb") as rows:
                    shutil.copyfileobj(rows, out, 1 << 20)
    finally:
        con.close()
        part.unlink(missing_ok=True)


def write_harvest_xlsx(s: data.Sample, path: Path) -> Path:
    """Harvest detailed time report as Excel: two title rows and a blank row above the header."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Detailed Time Report")
    ws.append(["Detailed Time Report"])
    ws.append([f"{s.scale.start:%d/%m/%Y} – {s.scale.end:%d/%m/%Y}"])
    ws.append([])
    ws.append(HARVEST_HEADERS)
    frame = entry_frame(s, 0, len(s.entries["day"]))
    columns = [_cells(frame[h]) for h in HARVEST_HEADERS]
    for row in zip(*columns, strict=True):
        ws.append(row)
    wb.properties.creator = "Harvest"
    wb.properties.created = wb.properties.modified = FROZEN_AT
    wb.save(path)
    _freeze_xlsx(path)
    return path


def _cells(column: pd.Series) -> list:
    """Python values for openpyxl: dates as dates, empty text as None."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        labels = np.asarray(column.cat.categories, dtype=object)
        codes = column.cat.codes.to_numpy()
        return np.where(codes >= 0, labels[np.maximum(codes, 0)], None).tolist()
    if column.dtype.kind == "M":
        return column.to_numpy().astype("datetime64[D]").astype(object).tolist()
    return column.tolist()


def _freeze_xlsx(path: Path) -> None:
    """Rewrite the xlsx zip with fixed entry times and modification date (byte-stable output)."""
    with zipfile.ZipFile(path) as src:
        items = [(info.filename, src.read(info)) for info in src.infolist()]
    stamp = FROZEN_AT.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, payload in items:
            if name == "docProps/core.xml":
                payload = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, payload)
            info = zipfile.ZipInfo(name, date_time=FROZEN_AT.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, payload)


# ---- README --------------------------------------------------------------------------------------
def readme(s: data.Sample) -> str:
    """The README of the sample folder: files, layouts and the planted patterns by name."""
    sheet = TIMESHEET_XLSX if s.scale.xlsx else TIMESHEET_CSV
    singles = "\n".join(f"  - **{k}**: only **{c}**" for k, c in data.SINGLE_KNOWERS.items())
    overloads = "\n".join(
        f"  - **{c}**: {w} weeks from Monday {d:%d/%m/%Y} (crisis at **{k}**)"
        for c, d, w, k in data.OVERLOADS
    )
    return README.format(
        scale=s.scale.name, start=s.scale.start, end=s.scale.end, sheet=sheet,
        tickets=len(s.tickets["id"]), entries=len(s.entries["day"]),
        consultants=len(s.consultants), clients=len(s.clients), singles=singles,
        uncovered=data.UNCOVERED_CLIENT, visitors=", ".join(data.UNCOVERED_VISITORS),
        dormant=data.DORMANT_CLIENT, dormant_since=f"{data.DORMANT_SINCE:%d/%m/%Y}",
        overloads=overloads, underloaded=" and ".join(f"**{c}**" for c in data.UNDERLOADED),
        underload_from=f"{data.UNDERLOAD_FROM:%d/%m/%Y}", escalations=_escalation_lines(s),
        teams=", ".join(data.TEAMS),
    )  # fmt: skip


def _escalation_lines(s: data.Sample) -> str:
    """The planted escalations grouped by what a manager should notice, with GLPI ids."""
    first = len(s.titles) - len(data.ESCALATIONS)  # their titles close the title list
    at = {int(code) - first: i for i, code in enumerate(s.tickets["title"]) if code >= first}
    groups: dict[str, list[str]] = {
        "P1 answered late (first response after 2-3 h, resolved after 8-20 h)": [],
        "P2 resolved after more than 8 business hours": [],
        "No response data (empty `Date de prise en compte`; counted apart, never as zero)": [],
        "Still open at the as-of date and older than their target (open and breached)": [],
    }
    keys = list(groups)
    for i, (client, _, label, created, reply, fix, _, title, _) in enumerate(data.ESCALATIONS):
        row = at[i]
        who = s.consultants[s.tickets["assignee"][row]]
        kind = 3 if fix is None else 2 if reply is None else 0 if label != "Haute" else 1
        line = f"  - #{s.tickets['id'][row]} {created} **{client}** ({label}, {who}): {title}"
        groups[keys[kind]].append(line)
    return "\n".join(f"- {k}:\n" + "\n".join(v) for k, v in groups.items())


README = """# Sample data (synthetic)

Generated by `okam sample --scale {scale}` (`okam_analytics/sample.py`, fixed seed: the same
command always writes the same bytes). Period {start} to {end}; as-of date {end}. Every name
is invented. {consultants} consultants in three teams ({teams}); {clients} clients.

| file | layout | rows |
|---|---|---|
| `glpi_tickets.csv` | GLPI 10 ticket search export: `;`, UTF-8 with BOM, every field quoted, dates `dd-mm-YYYY HH:MM`, `Entité` = `Okam Services > <client>` | {tickets} tickets |
| `{sheet}` | Harvest "Detailed time report" (Excel: two title rows and a blank row above the header; CSV: `,` and ISO dates) | {entries} time entries |

Technicians (GLPI) and First/Last Name (Harvest) spell consultants the same way ("Julien
Marchand"). Absences are Harvest entries of client `Okam Services`, project `Absences`, task
`Congés payés`, `RTT` or `Maladie` (7 or 8 h, non-billable); internal time is project `Interne`
(`Réunion d'équipe` every Monday, `Formation`). No work on weekends except rare `Astreinte`
entries, none on French public holidays. GLPI priorities: `Majeure`/`Très haute` = P1, `Haute` =
P2, `Moyenne` = P3, `Basse`/`Très basse` = P4. Load these files with the `glpi` and `harvest`
presets (`okam import data/sample/glpi_tickets.csv data/sample/{sheet}`).

## Planted patterns (what a manager should see at the as-of date)

Knowledge redundancy (defaults: half-life 90 days, knower floor 7 decayed hours):
- Single point of failure (status `single`): every hour and every ticket of these clients goes
  to one consultant:
{singles}
- Uncovered (status `uncovered`): **{uncovered}** has recent tickets and a few short entries
  from five consultants ({visitors}), at most 3 tickets and 2.5 h each: nobody reaches the
  knower floor.
- Dormant: nobody has touched **{dormant}** since {dormant_since} (no hours, no ticket activity).
- Every other client is worked by 2 to 4 consultants (`covered`), plus the internal client
  `Okam Services` (meetings, training, absences).

Workload (defaults: 40 h a week, overload above 110 %):
- Overloaded, 48-55 h a week (weekdays of 9.5-10.25 h plus a Saturday on call), no leave:
{overloads}
  The last streak runs up to the as-of date (a current streak).
- Under-loaded since {underload_from} (about 21-26 h a week, can take more work): {underloaded}.

Escalations (default SLA: P1 1 h / 4 h around the clock; P2 2 h / 8 h in business hours):
{escalations}
- The overloaded consultants also get a burst of their crisis client's tickets during their
  overloaded weeks (escalations landing on overloaded people). Most other tickets meet their SLA.

Notes for whoever loads this sample: internal time (meetings, training) is booked on the client
`Okam Services`, as Harvest requires a client for every project, so that name shows up among
the clients unless it is excluded; a handful of Harvest rows are exact duplicates (two identical
entries the same day), which the import reports as warnings and loads.
"""
