"""Deterministic synthetic consultants, clients, time entries and tickets for the sample exports.

One numpy Generator with a fixed seed; the work is vectorised over entries and tickets (loops
run per consultant or per client only). The vocabulary (names, tasks, ticket titles) and the
patterns planted for managers are declared at the top, so the README and the tests name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays as holidays_lib
import numpy as np

SEED = 20261031
END = date(2026, 10, 31)
SMALL_START = date(2025, 11, 1)
LARGE_START = date(2023, 11, 1)
MAX_MULTIPLE = 100


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# ---- vocabulary -------------------------------------------------------------------------------
TEAMS = ("Infra & Réseau", "Cloud & Sécurité", "Poste de travail")
INTERNAL_CLIENT = "Okam Services"
CONSULTANTS = (  # first name, last name, team
    *[(n.split()[0], n.split(maxsplit=1)[1], 0) for n in (
        "Julien Marchand", "Camille Roussel", "Thomas Girard", "Léa Fontaine", "Nicolas Chevalier",
        "Manon Perrin", "Antoine Dumas", "Chloé Barbier", "Maxime Lefort")],
    *[(n.split()[0], n.split(maxsplit=1)[1], 1) for n in (
        "Sarah Benali", "Hugo Mercier", "Inès Carpentier", "Romain Gauthier", "Pauline Renaud",
        "Karim Haddad", "Émilie Vasseur", "Alexandre Morel")],
    *[(n.split()[0], n.split(maxsplit=1)[1], 2) for n in (
        "Clara Lemaire", "Mathieu Rolland", "Laura Picard", "Kevin Brunet", "Marion Leclerc",
        "Yann Le Goff", "Océane Fabre", "Bastien Collin")],
)  # fmt: skip
CONTRACTORS = ("Yann Le Goff",)  # Harvest "Employee?" = No
CLIENTS = (
    "Boulangeries Martin", "Cabinet Lefèvre Avocats", "Transports Rhône-Alpes", "Pharmacie Dubois",
    "Garage Moreau & Fils", "Imprimerie Girardot", "Clinique Vétérinaire des Alpes",
    "Menuiserie Lambert", "Groupe Hôtelier Savoie Lac", "Roux & Associés Expertise Comptable",
    "Mutuelle Saint-Clair", "Agence Immobilière Bonnet", "Laboratoire Biolab Lyon",
    "Fromagerie Bernard", "Architectes Faure & Blanc", "Lycée privé Sainte-Marie",
    "EHPAD Les Tilleuls", "Cave Coopérative du Beaujolais", "Office Notarial Chambon",
    "Bureau d'études Thermeco", "Plasturgie Rhodanienne", "Auto-école du Dauphiné",
    "Mairie de Saint-Genis-Laval", "Électricité Guérin SARL", "Pâtisserie Meunier",
    "Centres Dentaires Azur", "Logistique Durand Express", "Coopérative Agricole de la Bresse",
    "Hôtel Le Grand Cerf", "Optique Lemoine", "Cabinet Médical du Parc",
    "Association Solidarité Rhône", "Constructions Bouvier BTP", "Tannerie Vidal",
    "Maison Perret Traiteur", "Sports & Montagne Chamonix", "Fonderie Dufresne",
    "Cosmétiques Belle Rive", "Scierie Mathonnet", "Clinique du Val d'Azergues",
)  # fmt: skip
FIRST_NAMES = _words(
    "Adrien Agathe Alice Amandine Anaïs Anthony Arnaud Aurélie Baptiste Benoît Bruno Caroline "
    "Cédric Céline Charlotte Christophe Claire Damien David Delphine Élodie Éric Fabien Florian "
    "Florence François Gaëlle Guillaume Hélène Isabelle Jérémy Jérôme Justine Laurent Lucie "
    "Ludovic Marc Margaux Mathilde Mélanie Nathalie Nadia Olivier Pascal Philippe Pierre Quentin "
    "Rachid Raphaël Samuel Sébastien Stéphanie Sylvain Thibault Valentin Vincent Virginie Xavier "
    "Yasmine Zoé"
)
LAST_NAMES = _words(
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre "
    "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont "
    "Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry "
    "Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin "
    "Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël "
    "Meyer Lucas Meunier Jean Perez Marchand Dufour Blanchard Marie Barbier Brun Dumas Brunet "
    "Schmitt Leroux Colin Fernandez Pierre Renard Arnaud Rolland Caron Aubert Giraud Leclerc "
    "Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe Lacroix Fabre Dupuis"
)
PLACES = _words(
    "Lyon Grenoble Chambéry Valence Vienne Roanne Mâcon Villefranche Bourgoin Voiron Montélimar "
    "Romans Thonon Cluses Sallanches Belley Tarare Givors Meyzieu Bron Rillieux Dijon Besançon "
    "Chalon Nantua Morez Saint-Priest Tournon Crest Bellegarde"
)
CLIENT_PATTERNS = (
    "Boulangerie {nom}", "Cabinet {nom} Avocats", "Garage {nom}", "Pharmacie {nom}",
    "Transports {nom}", "{nom} & Associés", "Menuiserie {nom}", "Imprimerie {nom}",
    "Plomberie {nom}", "Électricité {nom}", "Cabinet comptable {nom}", "Agence immobilière {nom}",
    "Maison {nom}", "Ets {nom} et Fils", "Groupe {nom}", "{nom} Industrie", "Optique {nom}",
    "Architectes {nom}", "Office notarial {nom}", "Traiteur {nom}",
)  # fmt: skip
PLACE_PATTERNS = (
    "Clinique de {lieu}",
    "Hôtel de {lieu}",
    "Mairie de {lieu}",
    "EHPAD de {lieu}",
    "Laboratoire de {lieu}",
    "Cave coopérative de {lieu}",
    "Collège privé de {lieu}",
)
PROJECTS = (  # (name, code prefix) of each client's contract
    ("Infogérance", "INF"), ("Support et maintenance", "SUP"),
    ("Contrat de services managés", "CSM"), ("Régie", "REG"),
)  # fmt: skip
INTERNAL_PROJECT, ABSENCE_PROJECT = ("Interne", "INT"), ("Absences", "ABS")
TASKS = (
    "Support N2", "Administration réseau", "Maintenance serveurs", "Intervention sur site",
    "Gestion de projet", "Administration Microsoft 365", "Sécurité et conformité",
    "Migration cloud", "Support utilisateurs", "Déploiement de postes", "Gestion du parc",
    "Avant-vente", "Astreinte", "Réunion d'équipe", "Formation", "Congés payés", "RTT", "Maladie",
)  # fmt: skip
PRESALES, ON_CALL, MEETING, TRAINING, LEAVE = 11, 12, 13, 14, 15  # LEAVE + absence code - 1
CLIENT_TASKS = (  # per team: task indices and their probabilities
    ((0, 1, 2, 3, 4, 11), (0.30, 0.25, 0.20, 0.10, 0.12, 0.03)),
    ((0, 5, 6, 7, 4, 11), (0.25, 0.25, 0.20, 0.15, 0.12, 0.03)),
    ((8, 9, 10, 3, 4, 11), (0.40, 0.20, 0.15, 0.20, 0.02, 0.03)),
)
NOTES = {
    0: ("Analyse et résolution des tickets en cours", "Suivi des incidents ouverts",
        "Analyse des journaux d'événements, relance éditeur"),
    1: ("Revue des règles du pare-feu", "Configuration VLAN pour le nouveau bâtiment",
        "Mise à jour du firmware des commutateurs"),
    2: ("Application des correctifs mensuels", "Contrôle des sauvegardes, test de restauration",
        "Extension de l'espace disque, nettoyage des journaux"),
    3: ("Intervention sur site, remplacement de matériel", "Passage sur site, câblage baie",
        "Déplacement sur site pour diagnostic"),
    4: ("Point d'avancement avec le client", "Comité de pilotage mensuel",
        "Préparation du planning de migration"),
    5: ("Gestion des licences et des boîtes partagées", "Paramétrage Teams et SharePoint",
        "Règles de rétention Exchange Online"),
    6: ("Revue des comptes à privilèges", "Campagne de sensibilisation à l'hameçonnage",
        "Analyse des alertes de l'EDR"),
    7: ("Migration des VM vers Azure", "Bascule des partages vers SharePoint",
        "Tests de reprise après migration"),
    8: ("Prise en main à distance, assistance utilisateurs", "Réinitialisation de mots de passe",
        "Assistance Outlook et Teams"),
    9: ("Préparation et masterisation de portables", "Déploiement de postes neufs",
        "Migration des profils utilisateurs"),
    10: ("Inventaire du parc, mise à jour de la CMDB", "Gestion des garanties et commandes",
         "Recyclage de matériel"),
    11: ("Préparation d'une proposition commerciale", "Audit préalable chez le prospect"),
    12: ("Astreinte : incident de production", "Astreinte : redémarrage de services"),
    13: ("Réunion d'équipe hebdomadaire",),
    14: ("Formation Microsoft Azure", "Formation ITIL", "Formation Fortinet"),
}  # fmt: skip
CATEGORIES = (  # (name, teams that handle it)
    ("Réseau > VPN", (0,)), ("Réseau > Wi-Fi", (0,)), ("Réseau > Accès Internet", (0,)),
    ("Serveurs", (0,)), ("Sauvegarde", (0,)), ("Téléphonie", (0,)), ("Cloud > Azure", (1,)),
    ("Cloud > Microsoft 365", (1,)), ("Sécurité", (1,)), ("Sécurité > Antivirus", (1,)),
    ("Messagerie", (1, 2)), ("Comptes et accès", (1, 2)), ("Postes de travail", (2,)),
    ("Postes de travail > Imprimantes", (2,)), ("Logiciels métier", (2,)),
)  # fmt: skip
TYPES = ("Incident", "Demande")
TEMPLATES = (  # (category index, severe, type index, title)
    (0, 1, 0, "VPN inaccessible depuis le site de {site}"),
    (0, 0, 0, "Connexion VPN très lente pour les commerciaux"),
    (0, 0, 1, "Demande d'accès VPN pour {personne}"),
    (0, 0, 0, "Certificat VPN expiré sur le portable de {personne}"),
    (1, 0, 0, "Wi-Fi instable en salle de réunion"),
    (1, 1, 0, "Plus de Wi-Fi dans l'entrepôt de {site}"),
    (1, 0, 1, "Création d'un réseau Wi-Fi invités"),
    (2, 1, 0, "Coupure internet sur le site de {site}"),
    (2, 0, 0, "Débit internet très faible depuis ce matin"),
    (2, 0, 1, "Ouverture d'un flux sur le pare-feu pour le logiciel de paie"),
    (3, 1, 0, "Serveur de fichiers inaccessible"),
    (3, 0, 0, "Espace disque critique sur le serveur de fichiers"),
    (3, 1, 0, "Lenteurs de l'ERP pour tous les utilisateurs"),
    (3, 0, 1, "Redémarrage planifié du serveur applicatif"),
    (3, 0, 0, 'Erreur "Accès refusé" sur le partage Compta'),
    (4, 0, 0, "Échec de la sauvegarde nocturne"),
    (4, 0, 1, "Restauration d'un dossier supprimé par {personne}"),
    (4, 1, 0, "Sauvegarde externalisée en échec depuis 3 jours"),
    (5, 1, 0, "Standard téléphonique hors service"),
    (5, 0, 1, "Renvoi d'appels à mettre en place pour {personne}"),
    (5, 0, 0, "Poste téléphonique sans tonalité"),
    (6, 1, 0, "Machine virtuelle Azure arrêtée"),
    (6, 0, 0, "Alerte de coût Azure dépassée"),
    (6, 0, 1, "Création d'un environnement de recette Azure"),
    (7, 0, 0, "Teams ne se lance plus pour {personne}"),
    (7, 0, 0, "OneDrive ne synchronise plus"),
    (7, 1, 0, "Partage SharePoint inaccessible pour toute l'équipe"),
    (7, 0, 1, "Attribution d'une licence Microsoft 365 à {personne}"),
    (8, 0, 0, "Tentative d'hameçonnage signalée par {personne}"),
    (8, 1, 0, "Compte compromis : envois de spams depuis la boîte de {personne}"),
    (8, 1, 0, "Alerte de sécurité sur le pare-feu de {site}"),
    (8, 0, 1, "Revue annuelle des droits d'accès"),
    (9, 0, 0, "Antivirus désactivé sur plusieurs postes"),
    (9, 1, 0, "Menace détectée sur le poste de {personne}"),
    (10, 0, 0, "Boîte mail pleine"),
    (10, 1, 0, "Courriels bloqués en file d'attente"),
    (10, 0, 1, "Création d'une adresse générique contact@"),
    (10, 0, 0, "Outlook demande le mot de passe en boucle"),
    (11, 0, 1, "Création du compte de {personne} (nouvel arrivant)"),
    (11, 0, 1, "Mot de passe expiré pour {personne}"),
    (11, 0, 0, "Compte de {personne} verrouillé"),
    (11, 0, 1, "Départ de {personne} : désactivation des accès"),
    (11, 1, 0, "Impossible de se connecter au domaine pour tout le service"),
    (12, 0, 0, "Poste de {personne} très lent"),
    (12, 0, 0, "Écran bleu au démarrage sur le poste de {personne}"),
    (12, 0, 1, "Préparation d'un portable pour {personne}"),
    (12, 0, 0, "Mise à jour Windows bloquée"),
    (12, 1, 0, "Plusieurs postes ne démarrent plus à {site}"),
    (13, 0, 0, "Imprimante du 1er étage hors ligne"),
    (13, 0, 0, "Bourrage papier récurrent sur le copieur"),
    (13, 0, 1, "Installation d'une imprimante pour {personne}"),
    (14, 1, 0, "Logiciel de caisse bloqué à {site}"),
    (14, 0, 1, "Installation du logiciel de paie sur le poste de {personne}"),
    (14, 0, 0, "Erreur de licence sur le logiciel de comptabilité"),
)
STATUSES = ("Nouveau", "En cours (Attribué)", "En cours (Planifié)", "En attente", "Résolu", "Clos")
NEW, ASSIGNED, PLANNED, WAITING, RESOLVED, CLOSED = range(6)
PRIORITY_LABELS = ("Très haute", "Haute", "Moyenne", "Basse", "Très basse", "Majeure")
URGENCY_LABELS = PRIORITY_LABELS[:5]

# ---- planted patterns (names the README and the tests rely on) -------------------------------
SINGLE_KNOWERS = {  # client -> the only consultant who ever works on it
    "Pharmacie Dubois": "Léa Fontaine",
    "Cabinet Lefèvre Avocats": "Karim Haddad",
    "Imprimerie Girardot": "Chloé Barbier",
    "Fromagerie Bernard": "Bastien Collin",
    "Optique Lemoine": "Inès Carpentier",
}
UNCOVERED_CLIENT = "Mutuelle Saint-Clair"
UNCOVERED_VISITORS = (
    "Thomas Girard", "Pauline Renaud", "Mathieu Rolland", "Océane Fabre", "Antoine Dumas",
)  # fmt: skip
UNCOVERED_TICKETS = 12
DORMANT_CLIENT = "Menuiserie Lambert"
DORMANT_SINCE = date(2026, 1, 16)  # no hours and no ticket activity from this day on
OVERLOADS = (  # consultant, first Monday, weeks, client in crisis
    ("Julien Marchand", date(2026, 2, 2), 5, "Transports Rhône-Alpes"),
    ("Sarah Benali", date(2026, 6, 1), 5, "Groupe Hôtelier Savoie Lac"),
    ("Kevin Brunet", date(2026, 9, 28), 5, "Logistique Durand Express"),
)
BURST_TICKETS = 25  # extra tickets of the crisis client during each overload
UNDERLOADED = ("Marion Leclerc", "Alexandre Morel")
UNDERLOAD_FROM = date(2026, 9, 21)
# client, consultant (None: the client's main consultant), priority label, created,
# minutes to first response (None: no response data), minutes to resolution (None: open),
# status while open, title, category
ESCALATIONS = (
    ("Transports Rhône-Alpes", "Julien Marchand", "Très haute", "2026-02-10 08:42", 145, 850,
     None, "Serveur de fichiers inaccessible sur le site de Vénissieux", "Serveurs"),
    ("Transports Rhône-Alpes", "Julien Marchand", "Majeure", "2026-02-24 16:05", 170, 1170, None,
     "Fichiers chiffrés sur le partage Comptabilité : suspicion de rançongiciel", "Sécurité"),
    ("Groupe Hôtelier Savoie Lac", "Sarah Benali", "Très haute", "2026-06-09 10:15", 130, 585,
     None, "Plus aucune synchronisation Azure AD Connect", "Cloud > Azure"),
    ("Logistique Durand Express", "Kevin Brunet", "Très haute", "2026-10-14 09:20", 155, 660,
     None, "Aucun poste ne démarre après la mise à jour Windows", "Postes de travail"),
    ("Laboratoire Biolab Lyon", None, "Très haute", "2026-04-21 07:55", 165, 1020, None,
     "Serveur du système de gestion du laboratoire hors service", "Serveurs"),
    ("Transports Rhône-Alpes", "Julien Marchand", "Haute", "2026-02-17 11:20", 95, 1600, None,
     "Sauvegarde externalisée en échec depuis 3 jours", "Sauvegarde"),
    ("Groupe Hôtelier Savoie Lac", "Sarah Benali", "Haute", "2026-06-16 09:30", 150, 3000, None,
     "Partage SharePoint inaccessible pour la réception", "Cloud > Microsoft 365"),
    ("Logistique Durand Express", "Kevin Brunet", "Haute", "2026-10-06 14:00", 200, 2700, None,
     "Terminaux de préparation de commandes bloqués", "Postes de travail"),
    ("Centres Dentaires Azur", None, "Haute", "2026-03-12 10:00", 60, 1500, None,
     "Logiciel de radiologie inaccessible", "Logiciels métier"),
    ("Laboratoire Biolab Lyon", None, "Haute", "2026-09-03 15:30", 45, 2900, None,
     "Automate d'analyses déconnecté du réseau", "Réseau > Accès Internet"),
    ("Boulangeries Martin", None, "Très haute", "2026-03-28 06:40", None, 210, None,
     "Terminaux de paiement hors ligne dans toutes les boutiques", "Logiciels métier"),
    ("Clinique Vétérinaire des Alpes", None, "Haute", "2026-05-05 11:10", None, 400, None,
     "Messagerie inaccessible pour toute la clinique", "Messagerie"),
    ("Plasturgie Rhodanienne", None, "Haute", "2026-07-08 08:30", None, 380, None,
     "Supervision des presses à injecter arrêtée", "Serveurs"),
    ("EHPAD Les Tilleuls", None, "Majeure", "2026-09-15 22:10", None, 300, None,
     "Coupure du réseau Wi-Fi des soignants", "Réseau > Wi-Fi"),
    ("Logistique Durand Express", "Kevin Brunet", "Très haute", "2026-10-30 07:50", 115, None,
     "En cours (Attribué)", "Coupure internet totale au siège de Saint-Priest",
     "Réseau > Accès Internet"),
    ("Transports Rhône-Alpes", "Julien Marchand", "Haute", "2026-10-27 10:30", 55, None,
     "En attente", "Imprimantes réseau hors ligne au 2e étage", "Postes de travail > Imprimantes"),
    ("Groupe Hôtelier Savoie Lac", "Sarah Benali", "Haute", "2026-10-22 14:10", 95, None,
     "En cours (Planifié)", "Réservations en ligne lentes : base SQL saturée", "Serveurs"),
)  # fmt: skip


@dataclass(frozen=True)
class Scale:
    """How much to generate; `entries` None means the natural volume of the consultants."""

    name: str
    consultants: int
    clients: int
    start: date
    end: date
    tickets: int
    entries: int | None
    xlsx: bool  # Harvest as an Excel sheet; CSV when the rows could pass Excel's cap


def scale_for(value: str | int) -> Scale:
    """The Scale for 'small', 'large' or an integer multiple N of the small sample."""
    text = str(value).strip().lower()
    if text == "large":
        return Scale("large", 300, 2000, LARGE_START, END, 1_000_000, 5_000_000, False)
    n = 1 if text == "small" else int(text) if text.isdigit() else 0
    if not 1 <= n <= MAX_MULTIPLE:
        raise ValueError(f"--scale must be small, large or a whole number 1-{MAX_MULTIPLE}.")
    name = "small" if n == 1 else str(n)
    return Scale(name, 25 * n, 40 * n, SMALL_START, END, 3600 * n, None, n < 5)


@dataclass
class Sample:
    """Generated data as code arrays plus the lookup tables the writers turn into text."""

    scale: Scale
    consultants: list[str]  # "First Last", the spelling both exports use
    first_names: list[str]
    last_names: list[str]
    consultant_team: np.ndarray  # index into TEAMS
    billable_rate: np.ndarray
    cost_rate: np.ndarray
    employee: np.ndarray  # bool
    clients: list[str]
    client_project: np.ndarray  # index into PROJECTS
    entries: dict[str, np.ndarray]  # day, consultant, client (-1 internal), task, note, minutes
    tickets: dict[str, np.ndarray]  # GLPI columns as codes, see _finish()
    titles: list[str]
    requesters: list[str]
    notes: list[str]


@dataclass(frozen=True)
class Calendar:
    """Days of the span (plus a tail for late resolutions) and which are working days."""

    start: date
    n_days: int  # days in the span itself; the arrays run further
    weekday: np.ndarray
    workday: np.ndarray  # Monday-Friday and not a French public holiday
    holiday: np.ndarray  # French public holidays, weekends included
    week: np.ndarray  # Monday-based week ordinal from the start

    def index(self, day: date) -> int:
        """Day index of a date (may fall outside the span)."""
        return (day - self.start).days

    def minute(self, text: str) -> int:
        """Minute index of a 'YYYY-MM-DD HH:MM' local time."""
        moment = datetime.fromisoformat(text)
        return self.index(moment.date()) * 1440 + moment.hour * 60 + moment.minute


def calendar(start: date, end: date, tail_days: int = 120) -> Calendar:
    """Working days of [start, end] + tail, French public holidays excluded."""
    total = (end - start).days + 1 + tail_days
    days = np.datetime64(start, "D") + np.arange(total)
    weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday
    years = range(start.year, end.year + 2)
    public = np.array(sorted(holidays_lib.country_holidays("FR", years=years)), "datetime64[D]")
    holiday = np.isin(days, public)
    week = (np.arange(total) + start.weekday()) // 7
    return Calendar(start, (end - start).days + 1, weekday, (weekday < 5) & ~holiday, holiday, week)


def people(rng: np.random.Generator, n: int) -> tuple[list[str], list[str], np.ndarray]:
    """First names, last names and teams: the named consultants first, then generated ones."""
    first = [f for f, _, _ in CONSULTANTS][:n]
    last = [la for _, la, _ in CONSULTANTS][:n]
    team = [t for _, _, t in CONSULTANTS][:n]
    taken = {f"{f} {la}" for f, la in zip(first, last, strict=True)}
    pool = [(f, la) for f in FIRST_NAMES for la in LAST_NAMES if f"{f} {la}" not in taken]
    for i in rng.permutation(len(pool))[: n - len(first)]:
        first.append(pool[i][0])
        last.append(pool[i][1])
        team.append(len(team) % len(TEAMS))
    return first, last, np.array(team)


def client_names(rng: np.random.Generator, n: int) -> list[str]:
    """The named clients first, then plausible generated French company names."""
    names = list(CLIENTS[:n])
    pool = [p.format(nom=x) for p in CLIENT_PATTERNS for x in LAST_NAMES]
    pool += [p.format(lieu=x) for p in PLACE_PATTERNS for x in PLACES]
    pool = [pool[i] for i in rng.permutation(len(pool)) if pool[i] not in set(CLIENTS)]
    for suffix in ("", " Sud", " Nord", " Est", " Ouest"):
        names += [p + suffix for p in pool][: n - len(names)]
    return names


def weighted_sampler(group: np.ndarray, value: np.ndarray, weight: np.ndarray):
    """A draw(groups, u) function: for each group asked, one of its values chosen by weight."""
    order = np.argsort(group, kind="stable")
    g, v, w = group[order], value[order], weight[order].astype(float)
    share = w / np.bincount(g, w)[g]
    first, last = np.r_[True, g[1:] != g[:-1]], np.r_[g[1:] != g[:-1], True]
    cum = np.cumsum(share)
    key = g + cum - (cum - share)[first][np.cumsum(first) - 1]  # group + cumulative share inside
    key[last] = g[last] + 1.0  # exact group ends, whatever the float rounding

    def draw(groups: np.ndarray, u: np.ndarray) -> np.ndarray:
        return v[np.minimum(np.searchsorted(key, groups + u, side="right"), len(v) - 1)]

    return draw


@dataclass(frozen=True)
class Plan:
    """The planted patterns resolved to consultant, client and day indices."""

    singles: dict[int, int]  # client -> its only consultant
    uncovered: int
    visitors: list[int]
    dormant: int
    dormant_day: int
    overloads: list[tuple[int, int, int, int]]  # consultant, first day, end day (excl.), client
    underloaded: list[int]
    underload_day: int


def plan_for(cal: Calendar, consultants: list[str], clients: list[str]) -> Plan:
    """Resolve the planted names and dates against this sample's people and calendar."""
    who = {n: i for i, n in enumerate(consultants)}.__getitem__
    where = {n: i for i, n in enumerate(clients)}.__getitem__
    overloads = [
        (who(c), cal.index(d), min(cal.index(d) + 7 * w, cal.n_days), where(k))
        for c, d, w, k in OVERLOADS
    ]
    return Plan(
        {where(k): who(c) for k, c in SINGLE_KNOWERS.items()},
        where(UNCOVERED_CLIENT),
        [who(v) for v in UNCOVERED_VISITORS],
        where(DORMANT_CLIENT),
        cal.index(DORMANT_SINCE),
        overloads,
        [who(c) for c in UNDERLOADED],
        cal.index(UNDERLOAD_FROM),
    )


def portfolios(
    rng: np.random.Generator, team: np.ndarray, n_clients: int, plan: Plan
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Slots (client, consultant, weight): who works for whom, and how much of their time."""
    client_team = rng.choice(len(TEAMS), n_clients, p=[0.4, 0.3, 0.3])
    pinned = {k: (c, 1.5) for k, c in plan.singles.items()}
    pinned |= {k: (c, 3.0) for c, _, _, k in plan.overloads}
    load = np.zeros(len(team))
    slots: list[tuple[int, int, float]] = []
    for k, (c, w) in pinned.items():
        client_team[k] = team[c]
        slots.append((k, c, w))
        load[c] += 1
    closed = set(plan.singles) | {plan.uncovered}
    for k in rng.permutation(n_clients):
        if k in closed:
            continue
        have = [pinned[k][0]] if k in pinned else []
        wanted = int(rng.choice([2, 3, 4], p=[0.45, 0.4, 0.15]))
        for i in range(len(have), wanted):
            ok = (
                (team != client_team[k])
                if i >= 2 and rng.random() < 0.4
                else team == client_team[k]
            )
            ok[have] = False
            prob = ok / (1.0 + load) ** 3
            have.append(int(rng.choice(len(team), p=prob / prob.sum())))
            slots.append((int(k), have[-1], float(rng.uniform(0.8, 1.6))))
            load[have[-1]] += 1
    arr = np.array(slots)
    client, consultant = arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64)
    return client, consultant, _balance(client, consultant, arr[:, 2], closed)


def _balance(client: np.ndarray, cons: np.ndarray, weight: np.ndarray, closed: set) -> np.ndarray:
    """Raise small slots until each consultant of a shared client holds >= 20% of its time."""
    weight = weight.copy()
    shared = ~np.isin(client, list(closed))
    for _ in range(40):
        frac = weight / np.bincount(cons, weight)[cons]
        low = shared & (frac / np.bincount(client, frac)[client] < 0.2)
        if not low.any():
            break
        weight[low] *= 1.3
    return weight


def absences(rng: np.random.Generator, cal: Calendar, n_cons: int, keep: np.ndarray) -> np.ndarray:
    """Absence per consultant and day: 0 none, 1 paid leave, 2 RTT, 3 sick; none where keep."""
    n = cal.n_days
    out = np.zeros((n_cons, n), np.int8)
    years = n / 365.25
    for c in range(n_cons):
        row, open_day = out[c], cal.workday[:n] & ~keep[c]
        for y in range(cal.start.year, cal.start.year + int(np.ceil(years)) + 1):
            _block(row, cal, date(y, 7, 6) + timedelta(weeks=int(rng.integers(0, 6))), 12)
            _block(row, cal, date(y, 12, 22) if rng.random() < 0.7 else date(y, 11, 2), 10)
            spring = date(y, 2, 9) if rng.random() < 0.5 else date(y, 4, 13)
            _block(row, cal, spring + timedelta(weeks=int(rng.integers(0, 3))), 5)
        row[~open_day] = 0
        # five weeks of paid leave a year: blocks above, single days for the rest
        _spread(rng, row, open_day, round(25 * years) - int((row == 1).sum()), 1)
        _spread(rng, row, open_day, round(6 * years), 2)
        for s in rng.choice(np.flatnonzero(open_day & (row == 0)), rng.poisson(1.2 * years)):
            span = np.arange(s, min(s + int(rng.integers(1, 4)), n))
            row[span[open_day[span] & (row[span] == 0)]] = 3
    return out


def _spread(
    rng: np.random.Generator, row: np.ndarray, open_day: np.ndarray, days: int, code: int
) -> None:
    free = np.flatnonzero(open_day & (row == 0))
    row[rng.choice(free, max(min(days, len(free)), 0), replace=False)] = code


def _block(row: np.ndarray, cal: Calendar, first: date, days: int) -> None:
    i = cal.index(first)
    row[max(i, 0) : max(i + days, 0)] = 1


# ---- Harvest time entries ----------------------------------------------------------------------
def time_entries(
    rng: np.random.Generator,
    cal: Calendar,
    team: np.ndarray,
    slots: tuple[np.ndarray, np.ndarray, np.ndarray],
    plan: Plan,
    absent: np.ndarray,
    absence_minutes: np.ndarray,
    target: int | None,
) -> dict[str, np.ndarray]:
    """Every Harvest row (client work, internal time, on-call, absences) sorted by day."""
    slot_client, slot_cons, weight = slots
    draw = weighted_sampler(slot_cons, slot_client, weight)
    worked = cal.workday[: cal.n_days][None, :] & (absent == 0)
    daily = _daily_minutes(rng, worked, plan)
    meeting = np.where(worked & (cal.weekday[: cal.n_days] == 0), 60, 0)
    training = rng.choice([210, 420], worked.shape) * (rng.random(worked.shape) < 0.02)
    training = np.minimum(np.where(worked, training, 0), daily - meeting)
    parts = [_part(meeting, MEETING), _part(training, TRAINING)]
    d, c = np.nonzero(absent.T)
    parts.append(_rows(d, c, -1, LEAVE - 1 + absent[c, d], absence_minutes[c]))
    oncall = _on_call(rng, cal, absent, plan)
    d, c = np.nonzero(oncall.T)
    parts.append(_rows(d, c, draw(c, rng.random(len(c))), ON_CALL, oncall[c, d]))
    parts.append(_visits(rng, cal, worked, plan, team))
    fixed = sum(len(p["day"]) for p in parts)
    work = daily - meeting - training
    parts.append(_client_work(rng, work, None if target is None else target - fixed, draw, team))
    e = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    _redirect(rng, e, plan, _fallback(slots, plan.dormant, len(team)))
    order = np.argsort(e["day"] * len(team) + e["consultant"], kind="stable")
    e = {k: v[order] for k, v in e.items()}
    e["note"] = _notes(rng, e["task"])
    return e


def _rows(day, consultant, client, task, minutes) -> dict[str, np.ndarray]:
    n = len(day)
    as_array = lambda x: np.broadcast_to(np.asarray(x, np.int64), (n,)).copy()  # noqa: E731
    return {
        "day": as_array(day),
        "consultant": as_array(consultant),
        "client": as_array(client),
        "task": as_array(task),
        "minutes": as_array(minutes),
    }


def _part(minutes: np.ndarray, task: int) -> dict[str, np.ndarray]:
    d, c = np.nonzero(minutes.T)
    return _rows(d, c, -1, task, minutes[c, d])


def _daily_minutes(rng: np.random.Generator, worked: np.ndarray, plan: Plan) -> np.ndarray:
    """Minutes worked per consultant and day: 7-8 h, 9.5-10.25 h in an overload, 4-5 h when idle."""
    daily = 5 * np.clip(np.rint(rng.normal(93, 3, worked.shape)), 84, 96).astype(np.int64)
    for c, d0, d1, _ in plan.overloads:
        daily[c, d0:d1] = 5 * rng.integers(114, 124, d1 - d0)
    tail = worked.shape[1] - plan.underload_day
    for c in plan.underloaded:
        daily[c, plan.underload_day :] = 5 * rng.integers(51, 64, tail)
    return np.where(worked, daily, 0)


def _on_call(rng: np.random.Generator, cal: Calendar, absent: np.ndarray, plan: Plan) -> np.ndarray:
    """Weekend on-call minutes: rare and only in ordinary weeks; every Saturday of an overload."""
    n = cal.n_days
    weekday, week = cal.weekday[:n], cal.week[:n]
    odd = ((absent > 0) | ((weekday < 5) & ~cal.workday[:n])[None, :]).astype(np.int16)
    starts = np.flatnonzero(np.r_[True, week[1:] != week[:-1]])
    quiet = (np.add.reduceat(odd, starts, axis=1) == 0)[:, week - week[0]]
    quiet[:, week == week[0]] = cal.start.weekday() == 0  # a partial first week stays empty
    weekend = (weekday >= 5) & ~cal.holiday[:n]
    pick = quiet & weekend[None, :] & (rng.random(absent.shape) < 0.05)
    minutes = np.where(pick, 5 * rng.integers(12, 25, absent.shape), 0)
    for c, d0, d1, _ in plan.overloads:
        saturday = (weekday[d0:d1] == 5) & ~cal.holiday[d0:d1]
        minutes[c, d0:d1] = np.where(saturday, 5 * rng.integers(24, 43, d1 - d0), 0)
    return minutes


def _visits(
    rng: np.random.Generator, cal: Calendar, worked: np.ndarray, plan: Plan, team: np.ndarray
) -> dict[str, np.ndarray]:
    """One or two short entries per visitor of the uncovered client (2.5 h at most each)."""
    n, rows = cal.n_days, []
    for v in plan.visitors:
        days = rng.choice(np.flatnonzero(worked[v, n - 150 : n - 5]) + n - 150, 2, replace=False)
        minutes = (5 * int(rng.integers(12, 19)), 5 * int(rng.integers(6, 13)))
        rows += [(d, v, m) for d, m in zip(days[: 1 + (rng.random() < 0.5)], minutes, strict=False)]
    d, c, m = (np.array(x) for x in zip(*rows, strict=True))
    return _rows(d, c, plan.uncovered, np.where(team[c] == 2, 8, 0), m)


def _client_work(
    rng: np.random.Generator, work: np.ndarray, target: int | None, draw, team: np.ndarray
) -> dict[str, np.ndarray]:
    """Each worked day's client minutes split into entries on the consultant's clients."""
    d, c = np.nonzero(work.T > 0)
    units = work[c, d] // 5
    k = _entry_counts(rng, units, target)
    pair = np.repeat(np.arange(len(k)), k)
    starts = np.cumsum(k) - k
    w = rng.exponential(size=len(pair))
    alloc = 1 + np.floor(w / np.add.reduceat(w, starts)[pair] * (units - k)[pair]).astype(np.int64)
    alloc[starts] += units - np.add.reduceat(alloc, starts)
    cons = c[pair]
    task = np.empty(len(pair), np.int64)
    for t, (tasks, probs) in enumerate(CLIENT_TASKS):
        mask = team[cons] == t
        task[mask] = rng.choice(tasks, int(mask.sum()), p=probs)
    return _rows(d[pair], cons, draw(cons, rng.random(len(pair))), task, 5 * alloc)


def _entry_counts(rng: np.random.Generator, units: np.ndarray, target: int | None) -> np.ndarray:
    """Client entries per worked day: 1-4 naturally, or exactly `target` in total."""
    if target is None:
        return np.minimum(1 + rng.binomial(3, 0.55, len(units)), units)
    if not len(units) <= target <= units.sum():
        raise ValueError(f"Cannot spread {target} entries over {len(units)} worked days.")
    k = np.clip(1 + rng.poisson(max(target / len(units) - 1, 0), len(units)), 1, units)
    while (gap := target - int(k.sum())) != 0:
        room = np.flatnonzero(k < units) if gap > 0 else np.flatnonzero(k > 1)
        np.add.at(k, rng.choice(room, abs(gap)), np.sign(gap))
        k = np.clip(k, 1, units)
    return k


def _fallback(slots: tuple, dormant: int, n_cons: int) -> np.ndarray:
    """Each consultant's main client other than the dormant one (-1: internal)."""
    client, cons, weight = slots
    keep = np.flatnonzero(client != dormant)
    keep = keep[np.lexsort((-weight[keep], cons[keep]))]
    first = keep[np.r_[True, cons[keep][1:] != cons[keep][:-1]]]
    out = np.full(n_cons, -1)
    out[cons[first]] = client[first]
    return out


def _redirect(rng: np.random.Generator, e: dict, plan: Plan, fallback: np.ndarray) -> None:
    """No work on the dormant client after its last day; overloads go to the crisis client."""
    late = (e["client"] == plan.dormant) & (e["day"] >= plan.dormant_day)
    e["client"][late] = fallback[e["consultant"][late]]
    u = rng.random(len(e["day"]))
    for c, d0, d1, k in plan.overloads:
        crisis = (e["consultant"] == c) & (e["day"] >= d0) & (e["day"] < d1) & (e["client"] >= 0)
        e["client"][crisis & (u < 0.6)] = k


def _notes(rng: np.random.Generator, task: np.ndarray) -> np.ndarray:
    """A note per entry from its task's phrases, a third left empty (-1)."""
    counts = np.array([len(NOTES.get(t, ())) for t in range(len(TASKS))])
    offsets = np.cumsum(counts) - counts
    pick = offsets[task] + (rng.random(len(task)) * counts[task]).astype(np.int64)
    return np.where((counts[task] > 0) & (rng.random(len(task)) >= 0.35), pick, -1)


def note_texts() -> list[str]:
    """All note phrases in the order `_notes` indexes them."""
    return [text for t in range(len(TASKS)) for text in NOTES.get(t, ())]


# ---- GLPI tickets ------------------------------------------------------------------------------
RESPONSE = ((15, 0.55), (40, 0.7), (90, 0.8), (180, 0.8))  # median minutes, sigma, per priority
WORK = ((95, 0.4), (170, 0.5), (420, 0.8), (840, 0.8))  # P1 in calendar time, others business
PRIORITY_MIX = (0.025, 0.08, 0.52, 0.375)
HOUR_WEIGHTS = np.array(
    [1, 1, 1, 1, 1, 1, 2, 8, 30, 50, 52, 45, 22, 30, 48, 45, 38, 26, 12, 5, 3, 2, 2, 1], float
)


def tickets(
    rng: np.random.Generator,
    cal: Calendar,
    n_tickets: int,
    n_clients: int,
    team: np.ndarray,
    slots: tuple[np.ndarray, np.ndarray, np.ndarray],
    plan: Plan,
    absent: np.ndarray,
    escalations: tuple[dict[str, np.ndarray], list[str]],
) -> tuple[dict[str, np.ndarray], list[str]]:
    """GLPI tickets as code arrays (minute indices, -1 for empty) and the title texts."""
    esc, esc_titles = escalations
    n_fixed = len(esc["client"]) + BURST_TICKETS * len(plan.overloads) + UNCOVERED_TICKETS
    t = _drawn_tickets(rng, cal, n_tickets - n_fixed, n_clients, team, slots, plan, absent)
    for part in (_bursts(rng, cal, plan), _uncovered_tickets(rng, cal, plan)):
        t = {k: np.concatenate([t[k], part[k]]) for k in t}
    t["created"] = t["day"] * 1440 + _minute_of_day(rng, cal.workday[t["day"]])
    t["response"], t["resolved"] = _timeline(rng, cal, t["created"], t["priority"])
    dormant = t["client"] == plan.dormant  # its old tickets were all settled before it went quiet
    t["resolved"][dormant] = np.minimum(t["resolved"][dormant], t["created"][dormant] + 3 * 1440)
    t["response"] = np.minimum(t["response"], t["resolved"])
    titles, t["title"], t["category"], t["type"] = _titles(rng, team[t["assignee"]], t["priority"])
    t["label"], t["urgency"] = _labels(rng, t["priority"])
    t["status"] = np.full(len(t["client"]), -1)
    esc = dict(esc, title=esc["title"] + len(titles))
    t = {k: np.concatenate([t[k], esc[k]]) for k in esc}
    return _finish(rng, cal, t, team, n_clients), titles + esc_titles


def _drawn_tickets(rng, cal, n, n_clients, team, slots, plan, absent) -> dict[str, np.ndarray]:
    """Ordinary tickets: client by its activity, day by the office calendar, a known assignee."""
    slot_client, slot_cons, weight = slots
    frac = weight / np.bincount(slot_cons, weight)[slot_cons]
    hours = np.bincount(slot_client, frac, minlength=n_clients)
    rate = hours**0.8 * rng.lognormal(0, 0.35, len(hours))
    rate[plan.uncovered] = 0.0
    rate[plan.dormant] *= plan.dormant_day / cal.n_days
    client = np.searchsorted(np.cumsum(rate) / rate.sum(), rng.random(n), side="right")
    day = _ticket_days(rng, cal, n, cal.n_days)
    dormant = np.flatnonzero(client == plan.dormant)
    day[dormant] = _ticket_days(rng, cal, len(dormant), plan.dormant_day - 10)
    draw = weighted_sampler(slot_client, slot_cons, frac)
    assignee = draw(client, rng.random(n))
    regular = ~np.isin(client, list(plan.singles))
    away = regular & (absent[assignee, day] > 0)
    assignee[away] = draw(client[away], rng.random(int(away.sum())))
    helped = regular & (rng.random(n) < 0.06)  # a colleague of the same team steps in
    assignee[helped] = _teammate(rng, team, team[assignee[helped]])
    priority = rng.choice(4, n, p=PRIORITY_MIX)
    return {"client": client, "assignee": assignee, "day": day, "priority": priority}


def _ticket_days(rng: np.random.Generator, cal: Calendar, n: int, until: int) -> np.ndarray:
    """Creation days: working days mostly, quieter in August and over Christmas."""
    days = np.datetime64(cal.start, "D") + np.arange(until)
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    mday = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    weight = np.where(cal.workday[:until], 1.0, 0.06) * np.where(month == 8, 0.7, 1.0)
    weight *= np.where(((month == 12) & (mday >= 24)) | ((month == 1) & (mday == 2)), 0.6, 1.0)
    return np.searchsorted(np.cumsum(weight) / weight.sum(), rng.random(n), side="right")


def _teammate(rng: np.random.Generator, team: np.ndarray, teams: np.ndarray) -> np.ndarray:
    order = np.argsort(team, kind="stable")
    count = np.bincount(team, minlength=len(TEAMS))
    first = np.cumsum(count) - count
    return order[first[teams] + (rng.random(len(teams)) * count[teams]).astype(np.int64)]


def _bursts(rng: np.random.Generator, cal: Calendar, plan: Plan) -> dict[str, np.ndarray]:
    """Extra tickets of each crisis client, all on the overloaded consultant, during the overload."""
    parts = []
    for c, d0, d1, k in plan.overloads:
        days = rng.choice(np.flatnonzero(cal.workday[d0:d1]) + d0, BURST_TICKETS)
        priority = rng.choice(4, BURST_TICKETS, p=(0.06, 0.2, 0.5, 0.24))
        parts.append((np.full(BURST_TICKETS, k), np.full(BURST_TICKETS, c), days, priority))
    client, assignee, day, priority = (np.concatenate(x) for x in zip(*parts, strict=True))
    return {"client": client, "assignee": assignee, "day": day, "priority": priority}


def _uncovered_tickets(
    rng: np.random.Generator, cal: Calendar, plan: Plan
) -> dict[str, np.ndarray]:
    """The uncovered client's few tickets, spread over its visitors (3 at most each)."""
    n = cal.n_days
    day = np.sort(
        rng.choice(np.flatnonzero(cal.workday[n - 200 : n - 7]) + n - 200, UNCOVERED_TICKETS)
    )
    assignee = np.array(plan.visitors)[np.arange(UNCOVERED_TICKETS) % len(plan.visitors)]
    priority = rng.choice([2, 3], UNCOVERED_TICKETS, p=[0.6, 0.4])
    return {
        "client": np.full(UNCOVERED_TICKETS, plan.uncovered),
        "assignee": assignee,
        "day": day,
        "priority": priority,
    }


def _minute_of_day(rng: np.random.Generator, workday: np.ndarray) -> np.ndarray:
    """Office hours on working days; spread over the waking hours otherwise."""
    hour = rng.choice(24, len(workday), p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    hour = np.where(workday, hour, rng.integers(7, 23, len(workday)))
    return hour * 60 + rng.integers(0, 60, len(workday))


def _timeline(rng, cal, created, priority) -> tuple[np.ndarray, np.ndarray]:
    """First response and resolution minutes: P1 on the 24x7 clock, others in office hours."""
    rmed, rsig = np.array(RESPONSE, float).T
    wmed, wsig = np.array(WORK, float).T
    reply = np.rint(rng.lognormal(np.log(rmed[priority]), rsig[priority])).astype(np.int64) + 2
    work = np.rint(rng.lognormal(np.log(wmed[priority]), wsig[priority])).astype(np.int64) + 5
    waiting = (priority >= 2) & (rng.random(len(work)) < 0.03)  # waiting on the client
    work[waiting] *= rng.integers(5, 16, int(waiting.sum()))
    response, resolved = created + reply, created + reply + work
    office = priority > 0
    cum = _open_minutes(cal)
    response[office] = _business_add(cum, created[office], reply[office])
    resolved[office] = _business_add(cum, created[office], reply[office] + work[office])
    return response, resolved


def _open_minutes(cal: Calendar) -> np.ndarray:
    """Cumulative open minutes (Mon-Fri 09:00-18:00, holidays closed) from the start."""
    grid = np.zeros((len(cal.workday), 1440), bool)
    grid[cal.workday, 540:1080] = True
    return np.r_[0, np.cumsum(grid.ravel(), dtype=np.int64)]


def _business_add(cum: np.ndarray, start: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """The minute at which `minutes` open minutes have passed since `start`."""
    return np.searchsorted(cum, cum[start] + minutes, side="left")


def _titles(
    rng, teams: np.ndarray, priority: np.ndarray
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Title codes from templates of the assignee's team, severe ones for P1/P2."""
    persons = [f"{f} {la}" for f, la in zip(FIRST_NAMES[::3], LAST_NAMES[::2], strict=False)]
    texts = [
        [text.format(site=s, personne=p) for s in (PLACES if "{site}" in text else [""])
         for p in (persons if "{personne}" in text else [""])]
        for _, _, _, text in TEMPLATES
    ]  # fmt: skip
    counts = np.array([len(x) for x in texts])
    offsets = np.cumsum(counts) - counts
    cat, severe, kind = (np.array(x) for x in zip(*[t[:3] for t in TEMPLATES], strict=True))
    template = np.zeros(len(teams), np.int64)
    for t in range(len(TEAMS)):
        for s in (0, 1):
            mask = (teams == t) & ((priority <= 1) == bool(s))
            fits = [i for i, c in enumerate(cat) if t in CATEGORIES[c][1] and severe[i] == s]
            template[mask] = rng.choice(fits, int(mask.sum()))
    title = offsets[template] + (rng.random(len(teams)) * counts[template]).astype(np.int64)
    return [x for group in texts for x in group], title, cat[template], kind[template]


def _labels(rng: np.random.Generator, priority: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GLPI priority and urgency labels (index into PRIORITY_LABELS) for P1..P4."""
    u = rng.random(len(priority))
    label = np.array([0, 1, 2, 3])[priority]
    label[(priority == 0) & (u < 0.3)] = 5  # Majeure
    label[(priority == 3) & (u < 0.25)] = 4  # Très basse
    urgency = np.select(
        [priority == 0, priority == 1, priority == 2],
        [0, np.where(u < 0.3, 0, 1), np.where(u < 0.1, 1, np.where(u > 0.9, 3, 2))],
        np.where(u < 0.7, 3, 4),
    )
    return label, urgency


def escalation_rows(
    cal: Calendar, consultants: list[str], clients: list[str], slots: tuple
) -> tuple[dict[str, np.ndarray], list[str]]:
    """The planted escalations as ticket arrays, with their own titles."""
    slot_client, slot_cons, weight = slots
    frac = weight / np.bincount(slot_cons, weight)[slot_cons]
    order = np.lexsort((-frac, slot_client))
    main = dict(
        zip(slot_client[order][::-1].tolist(), slot_cons[order][::-1].tolist(), strict=True)
    )
    label_priority = (0, 1, 2, 3, 3, 0)
    rows = []
    for i, (client, who, label, created, reply, fix, status, _, category) in enumerate(ESCALATIONS):
        k, at = clients.index(client), cal.minute(created)
        label_i = PRIORITY_LABELS.index(label)
        rows.append({
            "client": k, "assignee": main[k] if who is None else consultants.index(who),
            "day": at // 1440, "priority": label_priority[label_i], "created": at,
            "response": -1 if reply is None else at + reply,
            "resolved": -1 if fix is None else at + fix, "title": i,
            "category": [c for c, _ in CATEGORIES].index(category), "type": 0,
            "label": label_i, "urgency": min(label_i, 1) if label_i != 5 else 0,
            "status": -1 if status is None else STATUSES.index(status),
        })  # fmt: skip
    arrays = {key: np.array([r[key] for r in rows], np.int64) for key in rows[0]}
    return arrays, [row[7] for row in ESCALATIONS]


def _finish(rng, cal, t: dict, team: np.ndarray, n_clients: int) -> dict[str, np.ndarray]:
    """Cut at the as-of time, derive status, closure and last update, sort and number."""
    n, end = len(t["created"]), cal.n_days * 1440
    delay = np.where(
        rng.random(n) < 0.25, rng.integers(10, 2880, n), 10080 + rng.integers(0, 120, n)
    )
    closing = np.where(t["resolved"] >= 0, t["resolved"] + delay, -1)
    known = [np.where((x >= 0) & (x < end), x, -1) for x in (t["response"], t["resolved"], closing)]
    response, resolved, closed = known
    ongoing = rng.choice([ASSIGNED, PLANNED, WAITING], n, p=[0.6, 0.15, 0.25])
    ongoing = np.where(t["status"] >= 0, t["status"], ongoing)
    status = np.select(
        [closed >= 0, resolved >= 0, response >= 0], [CLOSED, RESOLVED, ongoing], NEW
    )
    last = np.maximum.reduce([t["created"], response, resolved, closed])
    pending = (rng.random(n) * (end - 1 - last)).astype(np.int64)
    base = rng.integers(0, len(FIRST_NAMES) * len(LAST_NAMES), n_clients)
    people = rng.integers(3, 10, n_clients)[t["client"]]
    out = {
        "title": t["title"], "client": t["client"], "status": status, "created": t["created"],
        "response": response, "resolved": resolved, "closed": closed,
        "modified": np.where(status < RESOLVED, last + pending, last),
        "label": t["label"], "urgency": t["urgency"], "category": t["category"],
        "type": t["type"], "assignee": np.where(status == NEW, -1, t["assignee"]),
        "team": team[t["assignee"]],
        "requester": (base[t["client"]] + (rng.random(n) * people).astype(np.int64))
        % (len(FIRST_NAMES) * len(LAST_NAMES)),
    }  # fmt: skip
    order = np.argsort(t["created"], kind="stable")
    out = {k: np.asarray(v)[order] for k, v in out.items()}
    out["id"] = 10001 + np.arange(n)
    return out


def _keep_present(cal: Calendar, plan: Plan, esc: dict, n_cons: int) -> np.ndarray:
    """Days nobody may be absent: overloads, the idle weeks, planted escalation days."""
    keep = np.zeros((n_cons, cal.n_days), bool)
    for c, d0, d1, _ in plan.overloads:
        keep[c, d0:d1] = True
    for c in plan.underloaded:
        keep[c, plan.underload_day :] = True
    keep[esc["assignee"], esc["day"]] = True
    return keep


def generate(scale: Scale) -> Sample:
    """Draw the whole sample of a scale; the same scale always gives the same data."""
    rng = np.random.default_rng(SEED)
    cal = calendar(scale.start, scale.end)
    first, last, team = people(rng, scale.consultants)
    names = [f"{f} {la}" for f, la in zip(first, last, strict=True)]
    clients = client_names(rng, scale.clients)
    plan = plan_for(cal, names, clients)
    slots = portfolios(rng, team, len(clients), plan)
    esc = escalation_rows(cal, names, clients, slots)
    absent = absences(rng, cal, len(names), _keep_present(cal, plan, esc[0], len(names)))
    absence_minutes = rng.choice([420, 480], len(names), p=[0.3, 0.7])
    entries = time_entries(rng, cal, team, slots, plan, absent, absence_minutes, scale.entries)
    t, titles = tickets(rng, cal, scale.tickets, len(clients), team, slots, plan, absent, esc)
    pool = [f"{f} {la}" for f in FIRST_NAMES for la in LAST_NAMES]
    return Sample(
        scale=scale,
        consultants=names,
        first_names=first,
        last_names=last,
        consultant_team=team,
        billable_rate=rng.choice([75.0, 85.0, 95.0, 105.0, 120.0], len(names)),
        cost_rate=rng.integers(38, 63, len(names)).astype(float),
        employee=~np.isin(names, CONTRACTORS),
        clients=clients,
        client_project=rng.choice(len(PROJECTS), len(clients), p=[0.5, 0.2, 0.2, 0.1]),
        entries=entries,
        tickets=t,
        titles=titles,
        requesters=[pool[i] for i in rng.permutation(len(pool))],
        notes=note_texts(),
    )
