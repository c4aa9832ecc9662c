"""The sample generator: byte-stable output, exact export layouts, the planted patterns."""

from __future__ import annotations

import hashlib
from datetime import date

import holidays
import pandas as pd
import pytest
from openpyxl import load_workbook

from okam_analytics import cli
from okam_analytics import sample as sample_mod
from okam_analytics import sample_data as data

AS_OF = pd.Timestamp("2026-10-31")
END = AS_OF + pd.Timedelta(days=1)  # the state at the end of the as-of day
GLPI_DATE = "%d-%m-%Y %H:%M"
P_OF = {"Très haute": "P1", "Majeure": "P1", "Haute": "P2", "Moyenne": "P3", "Basse": "P4"}
P_OF["Très basse"] = "P4"


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    sample_mod.write_sample(out)
    return out


@pytest.fixture(scope="module")
def tickets(sample_dir) -> pd.DataFrame:
    raw = pd.read_csv(
        sample_dir / "glpi_tickets.csv", sep=";", encoding="utf-8-sig", dtype=str
    ).fillna("")
    t = raw.copy()
    for column in sample_mod.GLPI_DATES:
        t[column] = pd.to_datetime(raw[column].replace("", None), format=GLPI_DATE)
    t["client"] = t["Entité"].str.split(" > ").str[-1]
    t["priority"] = t["Priorité"].map(P_OF)
    t["is_open"] = ~t["Statut"].isin(["Résolu", "Clos"])
    return t


@pytest.fixture(scope="module")
def entries(sample_dir) -> pd.DataFrame:
    sheet = load_workbook(sample_dir / "harvest_timesheets.xlsx", read_only=True).active
    width = len(sample_mod.HARVEST_HEADERS)
    rows = list(sheet.iter_rows(max_col=width, values_only=True))
    e = pd.DataFrame(rows[4:], columns=list(rows[3]))
    e["Date"] = pd.to_datetime(e["Date"])
    e["consultant"] = e["First Name"] + " " + e["Last Name"]
    e["week"] = e["Date"].dt.to_period("W-SUN").dt.start_time
    return e


def digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def evidence(tickets: pd.DataFrame, entries: pd.DataFrame) -> pd.DataFrame:
    """(client, consultant, day, weight) as SPEC 4.1 defines knowledge evidence."""
    hours = entries[entries["Project"] != "Absences"]
    worked = pd.DataFrame(
        {"client": hours["Client"], "who": hours["consultant"], "day": hours["Date"]}
    ).assign(w=hours["Hours"].to_numpy())
    done = tickets[tickets["Attribué à - Technicien"] != ""]
    day = done["Date de résolution"].fillna(done["Date d'ouverture"]).dt.normalize()
    closed = pd.DataFrame(
        {"client": done["client"], "who": done["Attribué à - Technicien"], "day": day, "w": 1.0}
    )
    both = pd.concat([worked, closed], ignore_index=True)
    age = (AS_OF - both["day"]).dt.days
    return both[(age >= 0) & (age < 365)].assign(age=age)


def statuses(tickets: pd.DataFrame, entries: pd.DataFrame) -> dict[str, str]:
    """Redundancy status per client with the default settings (half-life 90, floor 7, 10%)."""
    ev = evidence(tickets, entries)
    ev["k"] = ev["w"] * 0.5 ** (ev["age"] / 90)
    k = ev.groupby(["client", "who"])["k"].sum().reset_index()
    share = k["k"] / k.groupby("client")["k"].transform("sum")
    knowers = k[(k["k"] >= 7) & (share >= 0.1)].groupby("client").size()
    active = set(ev.loc[ev["age"] < 90, "client"])
    names = {0: "uncovered", 1: "single"}
    return {
        c: names.get(int(knowers.get(c, 0)), "covered") if c in active else "dormant"
        for c in set(ev["client"]) - {data.INTERNAL_CLIENT}
    }


# ---- scale and command line -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "consultants", "clients", "tickets", "entries", "xlsx"),
    [
        ("small", 25, 40, 3600, None, True),
        ("2", 50, 80, 7200, None, True),
        (5, 125, 200, 18000, None, False),
        ("large", 300, 2000, 1_000_000, 5_000_000, False),
    ],
)
def test_scale_for(value, consultants, clients, tickets, entries, xlsx):
    scale = data.scale_for(value)
    assert (scale.consultants, scale.clients, scale.tickets) == (consultants, clients, tickets)
    assert (scale.entries, scale.xlsx, scale.end) == (entries, xlsx, date(2026, 10, 31))


@pytest.mark.parametrize("value", ["huge", "0", "-2", "101", "1.5"])
def test_bad_scale_is_a_usage_error(value, tmp_path, capsys):
    assert cli.main(["sample", "--out", str(tmp_path), "--scale", value]) == 2
    assert "--scale must be small, large or a whole number" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_two_runs_write_the_same_bytes(sample_dir, tmp_path):
    readme = tmp_path / "sample-data.md"
    assert cli.main(["sample", "--out", str(tmp_path / "out"), "--readme", str(readme)]) == 0
    again = digests(tmp_path / "out")
    assert sorted(again) == ["glpi_tickets.csv", "harvest_timesheets.xlsx"]
    assert again == digests(sample_dir)
    assert "Pharmacie Dubois" in readme.read_text(encoding="utf-8")


def test_scale_two_doubles_the_volume():
    small, double = data.generate(data.scale_for(1)), data.generate(data.scale_for(2))
    assert len(double.tickets["id"]) == 2 * len(small.tickets["id"]) == 7200
    ratio = len(double.entries["day"]) / len(small.entries["day"])
    assert 1.9 < ratio < 2.1
    assert (len(double.consultants), len(set(double.clients))) == (50, 80)


# ---- layouts ------------------------------------------------------------------------------------
def test_glpi_layout(sample_dir, tickets):
    raw = (sample_dir / "glpi_tickets.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw[3:].decode("utf-8").splitlines()
    assert lines[0] == ";".join(f'"{h}"' for h in sample_mod.GLPI_HEADERS)
    assert lines[0].startswith('"ID";"Titre";"Entité";"Statut";"Date d\'ouverture";')
    assert all(line.startswith('"') and line.endswith('"') for line in lines)
    assert list(tickets.columns[:16]) == sample_mod.GLPI_HEADERS
    assert len(tickets) == 3600 and tickets["ID"].is_unique
    assert tickets["Entité"].str.startswith("Okam Services > ").all()
    assert set(tickets["Statut"]) == set(data.STATUSES)
    assert set(tickets["Priorité"]) == set(data.PRIORITY_LABELS)
    assert set(tickets["Type"]) == {"Incident", "Demande"}
    assert {"Réseau > VPN", "Messagerie", "Sauvegarde", "Cloud > Azure"} <= set(
        tickets["Catégorie"]
    )
    assert set(tickets["Attribué à - Groupe de techniciens"]) == set(data.TEAMS)
    assert (tickets["Date d'ouverture"] < END).all()
    assert (tickets["Date de résolution"].dropna() < END).all()


def test_glpi_dates_follow_the_status(tickets):
    closed = tickets["Statut"] == "Clos"
    assert tickets.loc[closed, "Date de clôture"].notna().all()
    assert tickets.loc[~closed, "Date de clôture"].isna().all()
    assert tickets.loc[tickets["is_open"], "Date de résolution"].isna().all()
    new = tickets["Statut"] == "Nouveau"
    assert (tickets.loc[new, "Attribué à - Technicien"] == "").all()
    done = tickets.dropna(subset=["Date de résolution"])
    assert (done["Date de résolution"] >= done["Date d'ouverture"]).all()
    assert (tickets["Dernière modification"] >= tickets["Date d'ouverture"]).all()


def test_harvest_layout(sample_dir, entries):
    rows = list(
        load_workbook(sample_dir / "harvest_timesheets.xlsx", read_only=True).active.iter_rows(
            max_row=5, values_only=True
        )
    )
    assert rows[0][0] == "Detailed Time Report"
    assert rows[1][0] == "01/11/2025 – 31/10/2026"
    assert all(v is None for v in rows[2])
    assert list(rows[3]) == sample_mod.HARVEST_HEADERS
    assert rows[4][0].date() == date(2025, 11, 3) and isinstance(rows[4][6], int | float)
    assert set(entries["Billable?"]) == {"Yes", "No"}
    assert set(entries["Roles"]) == set(data.TEAMS)
    absent = entries[entries["Project"] == "Absences"]
    assert set(absent["Task"]) == {"Congés payés", "RTT", "Maladie"}
    assert set(absent["Client"]) == {"Okam Services"} and set(absent["Billable?"]) == {"No"}
    assert set(absent["Hours"]) == {7, 8}
    internal = entries[entries["Project"] == "Interne"]
    assert set(internal["Task"]) == {"Formation", "Réunion d'équipe"}


def test_no_work_on_holidays_and_only_on_call_at_weekends(entries):
    public = holidays.country_holidays("FR", years=[2025, 2026])
    assert not entries["Date"].dt.date.isin(list(public)).any()
    weekend = entries[entries["Date"].dt.day_of_week >= 5]
    assert 0 < len(weekend) < 150 and set(weekend["Task"]) == {"Astreinte"}


def test_each_consultant_works_full_days_on_several_clients(entries):
    work = entries[(entries["Project"] != "Absences") & (entries["Date"].dt.day_of_week < 5)]
    daily = work.groupby(["consultant", "Date"])["Hours"].sum()
    assert 7.3 < daily.median() < 8.0
    clients = work[work["Client"] != "Okam Services"].groupby("consultant")["Client"].nunique()
    assert len(clients) == 25 and clients.between(2, 7).all()
    leave = entries[entries["Task"] == "Congés payés"].groupby("consultant").size()
    assert (leave == 25).all()  # five weeks


# ---- planted knowledge patterns ------------------------------------------------------------------
def test_single_knower_clients_have_one_consultant(tickets, entries):
    recent = evidence(tickets, entries).query("age < 90")
    for client, consultant in data.SINGLE_KNOWERS.items():
        assert set(recent.loc[recent["client"] == client, "who"]) == {consultant}
        assert set(entries.loc[entries["Client"] == client, "consultant"]) == {consultant}


def test_uncovered_client_is_seen_by_many_known_by_none(tickets, entries):
    ev = evidence(tickets, entries)
    mine = ev[ev["client"] == data.UNCOVERED_CLIENT]
    assert set(mine["who"]) == set(data.UNCOVERED_VISITORS)
    assert mine.groupby("who")["w"].sum().max() < 7  # below the floor even without decay
    assert mine.loc[mine["age"] < 90, "who"].nunique() >= 3


def test_dormant_client_untouched_since_january(tickets, entries):
    cutoff = pd.Timestamp(data.DORMANT_SINCE)
    mine = tickets[tickets["client"] == data.DORMANT_CLIENT]
    stamps = mine[["Date d'ouverture", "Date de prise en compte", "Date de résolution"]]
    assert len(mine) >= 2 and (stamps.stack() < cutoff).all()
    hours = entries[entries["Client"] == data.DORMANT_CLIENT]
    assert len(hours) >= 10 and (hours["Date"] < cutoff).all()


def test_redundancy_statuses_are_the_planted_ones(tickets, entries):
    found = statuses(tickets, entries)
    expected = {c: "single" for c in data.SINGLE_KNOWERS}
    expected |= {data.UNCOVERED_CLIENT: "uncovered", data.DORMANT_CLIENT: "dormant"}
    assert {c: s for c, s in found.items() if s != "covered"} == expected
    assert len(found) == 40


# ---- planted workload patterns -------------------------------------------------------------------
def weekly_hours(entries: pd.DataFrame) -> pd.DataFrame:
    work = entries[entries["Project"] != "Absences"]
    return work.groupby(["consultant", "week"])["Hours"].sum().unstack(fill_value=0.0)


def longest_run(flags: pd.Series) -> int:
    runs = (flags != flags.shift()).cumsum()
    return int(flags.groupby(runs).sum().max())


def test_overloaded_consultants_have_long_streaks(entries):
    weeks = weekly_hours(entries)
    over = weeks > 44
    streaks = {who: longest_run(row) for who, row in over.iterrows() if row.any()}
    assert streaks == {c: w for c, _, w, _ in data.OVERLOADS}
    for who, monday, n, _ in data.OVERLOADS:
        window = weeks.loc[
            who, pd.Timestamp(monday) : pd.Timestamp(monday) + pd.Timedelta(weeks=n - 1)
        ]
        assert len(window) == n and window.between(48, 55).all()
    current = data.OVERLOADS[-1][0]
    assert over.loc[current].iloc[-3:].all()  # still overloaded in the as-of week


def test_underloaded_consultants_have_room_lately(entries):
    last_weeks = weekly_hours(entries).iloc[:, -5:]
    idle = last_weeks[(last_weeks < 30).all(axis=1)].index
    assert sorted(idle) == sorted(data.UNDERLOADED)


# ---- planted escalation patterns -----------------------------------------------------------------
def test_priority_mix(tickets):
    share = tickets["priority"].value_counts(normalize=True)
    assert 0.02 < share["P1"] < 0.045 and 0.06 < share["P2"] < 0.11
    assert share["P3"] + share["P4"] > 0.85


def test_escalations_answered_late_and_left_open(tickets):
    reply = tickets["Date de prise en compte"] - tickets["Date d'ouverture"]
    fix = tickets["Date de résolution"] - tickets["Date d'ouverture"]
    p1 = tickets["priority"] == "P1"
    late = p1 & (reply > pd.Timedelta(hours=2)) & (fix > pd.Timedelta(hours=8))
    assert late.sum() >= 4
    escalated = tickets["priority"].isin(["P1", "P2"])
    stale = (
        escalated & tickets["is_open"] & (END - tickets["Date d'ouverture"] > pd.Timedelta(hours=8))
    )
    assert 2 <= stale.sum() <= 5
    silent = escalated & ~tickets["is_open"] & tickets["Date de prise en compte"].isna()
    assert silent.sum() == 4
    assert (fix[p1] <= pd.Timedelta(hours=4)).mean() > 0.85  # most P1 still meet their SLA


def test_escalations_land_on_overloaded_consultants(tickets):
    for who, monday, n, client in data.OVERLOADS:
        start = pd.Timestamp(monday)
        during = tickets["Date d'ouverture"].between(start, start + pd.Timedelta(weeks=n))
        mine = tickets[during & (tickets["Attribué à - Technicien"] == who)]
        assert (mine["client"] == client).sum() >= 25
        assert mine["priority"].isin(["P1", "P2"]).sum() >= 3


@pytest.mark.slow
def test_large_scale_counts():
    big = data.generate(data.scale_for("large"))
    assert len(big.tickets["id"]) == 1_000_000 and len(big.entries["day"]) == 5_000_000
    assert len(big.consultants) == 300 and len(set(big.clients)) == 2000
