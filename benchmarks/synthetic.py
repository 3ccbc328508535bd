"""A synthetic dataset for benchmarks: N projects sharing a pool of organisations, each with
3 events and 3 publications. Two shapes: ``liaise`` (the default), N/5 organisations and 10
organisations a project (its lead and 9 participations), so each organisation takes part in
some 50 projects; ``cordis``, the shape of the EU's CORDIS data that issue 22 targets (80,000
projects, 72,000 organisations, 400,000 organisation roles): 0.9 N organisations and 5 a
project (its lead and 4 participations), some 5.5 projects each.

Written as JSON files (the fast path of the loader), or built directly as a ``Dataset``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

ROLES = ("partner",) * 7 + ("associate-partner",) * 2 + ("coordinator",)
#: Per shape: organisations per project, and the roles of the participations besides the lead.
SHAPES = {
    "liaise": (1 / 5, ROLES[:9]),
    "cordis": (9 / 10, ("partner",) * 3 + ("associate-partner",)),
}
COUNTRIES = ("FR", "DE", "ES", "IT", "BE", "NL", "SE", "PT", "CZ", "GR", "AT", "PL")
ORG_KINDS = ("city", "region", "national-forum", "ngo", "network", "research-institute")
EVENT_KINDS = ("conference", "seminar", "training-school", "meeting")
PUBLICATION_KINDS = ("guide", "report", "presentation", "newsletter")
LANGUAGES = ("en", "fr", "de", "es", "it")
BASE = "https://data.example.org/synthetic/"


def records(projects: int, seed: int = 1, shape: str = "liaise") -> dict[str, list[dict]]:
    """The collections of a synthetic dataset with this many projects, as plain data."""
    rng = random.Random(seed)
    per_project, roles = SHAPES[shape]
    organisations = [_organisation(i, rng) for i in range(max(50, int(projects * per_project)))]
    data: dict[str, list[dict]] = {
        "organisations": organisations,
        "projects": [],
        "participations": [],
        "events": [],
        "publications": [],
    }
    for number in range(projects):
        _project(number, organisations, rng, data, roles)
    return data


def _organisation(number: int, rng: random.Random) -> dict:
    return {
        "id": f"org-{number}",
        "name": {"en": f"Organisation {number}", "fr": f"Organisation n° {number}"},
        "kind": rng.choice(ORG_KINDS),
        "country": rng.choice(COUNTRIES),
        "locality": f"Town {number % 997}",
        "website": f"https://org-{number}.example.org/",
    }


def _project(
    number: int, organisations: list[dict], rng: random.Random, data: dict, roles: tuple
) -> None:
    pid = f"project-{number}"
    members = rng.sample(organisations, 1 + len(roles))
    data["projects"].append(
        {
            "id": pid,
            "name": {"en": f"Project {number}", "fr": f"Projet {number}"},
            "acronym": f"P{number}",
            "description": {"en": f"Synthetic project number {number}."},
            "start": f"{2010 + number % 10}-01",
            "end": f"{2012 + number % 10}-12",
            "lead": members[0]["id"],
            "funding": [{"funder": organisations[0]["id"]}],
            "topics": ["radicalisation"],
            "outputs": [f"{pid}-pub-{k}" for k in range(3)],
        }
    )
    for member, role in zip(members[1:], roles, strict=True):
        data["participations"].append({"organisation": member["id"], "project": pid, "role": role})
    for k in range(3):
        day = 1 + (number + k) % 28
        data["events"].append(
            {
                "id": f"{pid}-event-{k}",
                "name": {"en": f"Event {k} of project {number}"},
                "kind": rng.choice(EVENT_KINDS),
                "start": f"{2011 + number % 10}-0{1 + k}-{day:02d}",
                "end": f"{2011 + number % 10}-0{1 + k}-{day:02d}",
                "locality": f"Town {number % 97}",
                "country": rng.choice(COUNTRIES),
                "project": pid,
                "organisers": [members[0]["id"]],
            }
        )
        data["publications"].append(
            {
                "id": f"{pid}-pub-{k}",
                "title": {"en": f"Publication {k} of project {number}"},
                "kind": rng.choice(PUBLICATION_KINDS),
                "languages": [rng.choice(LANGUAGES)],
                "publisher": members[0]["id"],
                "date": f"{2012 + number % 10}-06-01",
            }
        )


def write(
    folder: Path,
    projects: int,
    seed: int = 1,
    settings: dict | None = None,
    shape: str = "liaise",
) -> Path:
    """Write a synthetic dataset as JSON files (one per collection) into ``folder``, with
    ``settings`` added to the dataset's settings."""
    folder.mkdir(parents=True, exist_ok=True)
    data = records(projects, seed, shape)
    info = {"base": BASE, "language": "en", **(settings or {})}
    (folder / "dataset.json").write_text(json.dumps({"dataset": info}))
    for name, items in data.items():
        (folder / f"{name}.json").write_text(json.dumps({name: items}))
    return folder
