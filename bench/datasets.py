"""The benchmark's input files: the sample generator's exports at full scale and at fractions,
and the same rows in generic layouts (ISO, US and French dates; see GENERIC_FILES).

A fraction keeps the rows of a fixed random subset of the consultants (their time entries and
the tickets assigned to them, plus the same share of unassigned tickets): a smaller company of
the same shape, written by the project's own GLPI and Harvest CSV writers, so every file has the
exact vendor layout of `okam sample`. The data is generated once per scale and reused while the
stamp file says the same files were written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from okam_analytics import sample
from okam_analytics import sample_data as data

STAMP = "stamp.json"
SUBSET_SEED = 7


def fraction_dir(root: Path, fraction: float) -> Path:
    """The folder of one fraction's two exports."""
    return root / f"f{fraction:.3f}"


def subset(s: data.Sample, fraction: float) -> data.Sample:
    """The rows of a random fraction of the consultants (all of them at 1)."""
    if fraction >= 1:
        return s
    n = len(s.consultants)
    kept = np.zeros(n, dtype=bool)
    kept[np.random.default_rng(SUBSET_SEED).permutation(n)[: max(1, round(fraction * n))]] = True
    who = s.tickets["assignee"]
    unassigned = (who < 0) & ((s.tickets["id"] % 1000) < fraction * 1000)
    ticket_rows = np.where(kept[np.maximum(who, 0)] & (who >= 0) | unassigned)[0]
    entry_rows = np.where(kept[s.entries["consultant"]])[0]
    return dataclasses.replace(
        s,
        tickets={k: v[ticket_rows] for k, v in s.tickets.items()},
        entries={k: v[entry_rows] for k, v in s.entries.items()},
    )


def write_datasets(root: Path, scale: str | int, fractions: list[float]) -> dict[float, dict]:
    """Write (or reuse) the GLPI and Harvest CSV exports of each fraction; their paths and rows."""
    root = Path(root)
    stamp_path = root / STAMP
    wanted = sorted(set(fractions))
    if stamp_path.is_file():
        stamp = json.loads(stamp_path.read_text())
        same = stamp.get("scale") == str(scale) and stamp.get("generator") == generator_hash()
        if same and all(_present(root, f, stamp) for f in wanted):
            return {f: stamp["files"][f"{f:.3f}"] for f in wanted}
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    spec = dataclasses.replace(data.scale_for(scale), xlsx=False)  # the benchmark reads CSV
    full = data.generate(spec)
    generated = time.perf_counter() - started
    files = {}
    for f in wanted:
        folder = fraction_dir(root, f)
        folder.mkdir(parents=True, exist_ok=True)
        part = subset(full, f)
        t0 = time.perf_counter()
        tickets = sample.write_glpi(part, folder / sample.TICKETS_FILE)
        entries = sample.write_harvest_csv(part, folder / sample.TIMESHEET_CSV)
        files[f"{f:.3f}"] = {
            "tickets_file": str(tickets),
            "timesheets_file": str(entries),
            **write_generic(folder, tickets, entries),
            "tickets": int(len(part.tickets["id"])),
            "time_entries": int(len(part.entries["day"])),
            "consultants": int(len(np.unique(part.entries["consultant"]))),
            "tickets_bytes": tickets.stat().st_size,
            "timesheets_bytes": entries.stat().st_size,
            "write_seconds": round(time.perf_counter() - t0, 2),
        }
    stamp = {"scale": str(scale), "generator": generator_hash(), "files": files}
    stamp["generate_seconds"] = round(generated, 2)
    stamp_path.write_text(json.dumps(stamp, indent=1))
    return {f: files[f"{f:.3f}"] for f in wanted}


def generator_hash() -> str:
    """The sha256 of the generator's code: other code means other files."""
    digest = hashlib.sha256()
    for module in (sample, data, sys.modules[__name__]):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def _present(root: Path, fraction: float, stamp: dict) -> bool:
    entry = stamp.get("files", {}).get(f"{fraction:.3f}")
    if not entry:
        return False
    paths = [Path(entry["tickets_file"]), Path(entry["timesheets_file"])]
    sizes = [entry["tickets_bytes"], entry["timesheets_bytes"]]
    generic = [Path(entry.get(f"{name}_file", "")) for name in GENERIC_FILES]
    return all(
        p.is_file() and p.stat().st_size == n for p, n in zip(paths, sizes, strict=True)
    ) and all(p.is_file() for p in generic)


# Generic layouts (no tool preset: columns matched by synonyms), derived from the vendor files
# with the same rows: ISO dates, US dates (month first, dashes, seconds) and the French
# spreadsheet way (';', day-first dates, decimal comma).
GENERIC_TICKETS = """
select "ID" as "Ticket ID", "Titre" as "Title", "Entité" as "Client", "Statut" as "Status",
    {created} as "Created", {response} as "First response", {resolved} as "Resolved",
    {closed} as "Closed", "Priorité" as "Priority", "Catégorie" as "Category",
    "Attribué à - Technicien" as "Assignee", "Attribué à - Groupe de techniciens" as "Team"
from read_csv($file, delim = ';', header = true, all_varchar = true)
"""
GENERIC_ENTRIES = """
select {day} as "{date}", "First Name" || ' ' || "Last Name" as "{who}", "Client" as "Client",
    "Project" as "{project}", "Task" as "{task}", "Notes" as "Description", {hours} as "{hours_name}",
    {billable_value} as "{billable}"
from read_csv($file, header = true, all_varchar = true)
"""
GLPI_STAMP = "strptime(\"{h}\", '%d-%m-%Y %H:%M')"
GENERIC_FILES = {
    "generic_tickets_iso": ("tickets", "%Y-%m-%d %H:%M", ","),
    "generic_tickets_us": ("tickets", "%m-%d-%Y %H:%M:%S", ","),
    "generic_timesheets_iso": ("timesheets", "%Y-%m-%d", ","),
    "generic_timesheets_fr": ("timesheets", "%d/%m/%Y", ";"),
}


def _generic_select(kind: str, layout: str) -> str:
    if kind == "tickets":
        glpi = {"created": "Date d'ouverture", "response": "Date de prise en compte",
                "resolved": "Date de résolution", "closed": "Date de clôture"}  # fmt: skip
        return GENERIC_TICKETS.format(**{
            k: f"strftime({GLPI_STAMP.format(h=h)}, '{layout}')" for k, h in glpi.items()
        })  # fmt: skip
    french = layout.startswith("%d")
    words = (
        {"date": "Date", "who": "Consultant", "project": "Projet", "task": "Tâche",
         "hours_name": "Heures", "billable": "Facturable"}
        if french else
        {"date": "Date", "who": "Consultant", "project": "Project", "task": "Task",
         "hours_name": "Hours", "billable": "Billable"}
    )  # fmt: skip
    hours = "replace(\"Hours\", '.', ',')" if french else '"Hours"'
    day = f"strftime(cast(\"Date\" as date), '{layout}')"
    billable = (
        "case \"Billable?\" when 'Yes' then 'Oui' else 'Non' end" if french else '"Billable?"'
    )
    return GENERIC_ENTRIES.format(day=day, hours=hours, billable_value=billable, **words)


def write_generic(folder: Path, tickets: Path, entries: Path) -> dict[str, str]:
    """The generic files of one fraction, written by DuckDB from the vendor files."""
    import duckdb

    written = {}
    with duckdb.connect() as con:
        con.execute("set enable_progress_bar = false")
        for name, (kind, layout, delimiter) in GENERIC_FILES.items():
            path = folder / f"{name}.csv"
            source = tickets if kind == "tickets" else entries
            con.execute(
                f"copy ({_generic_select(kind, layout)}) to '{path}'"
                f" (format csv, header true, delimiter '{delimiter}')",
                {"file": str(source)},
            )
            written[f"{name}_file"] = str(path)
    return written
