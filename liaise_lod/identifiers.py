"""Identifiers that EU project data is joined on: each scheme's syntax and check digit, the
form it is kept in, and, where it has one, the IRI it stands for.

The model checks its identifier fields with ``checked(name)``; the mapping writes each as a
``schema:PropertyValue`` (``schema:propertyID``, ``schema:value``) and, for schemes whose
identifiers are IRIs (ROR, Wikidata, DOIs), ``owl:sameAs`` and ``schema:sameAs`` links.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._internal.quoting import quote


@dataclass(frozen=True)
class IdentifierScheme:
    #: The model field that holds it, and the fragment of its node (``#identifier-ror``).
    name: str
    #: ``schema:propertyID``: how the scheme is known.
    label: str
    #: What an identifier looks like, for messages and the data-format reference.
    looks_like: str
    #: The identifier in the form it is kept in, from what a publisher may write; raises
    #: ``ValueError`` saying what is wrong.
    normalise: Callable[[str], str]
    #: The IRI the identifier stands for (``{}``: the identifier), stated with ``owl:sameAs``.
    iri: str | None = None
    #: A web page about the identified thing that is not the thing itself (``schema:url``).
    page: str | None = None


# ------------------------------------------------------------------------------- the checks

_ROR_DIGITS = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base 32, as ROR writes it
_DOI_RESOLVER = r"(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:)?"


def _matching(pattern: str, wrong: str, kept: str = "{}") -> Callable[[str], str]:
    """A check that the text (spaces around it aside) matches ``pattern``; its first group,
    put in ``kept``, is the identifier. ``wrong`` ends the message of a mismatch."""
    compiled = re.compile(pattern)

    def check(text: str) -> str:
        found = compiled.fullmatch(text.strip())
        if not found:
            raise ValueError(f"{quote(text)} is not {wrong}")
        return kept.format(found.group(1))

    return check


def _ror(text: str) -> str:
    ror = _matching(
        r"(?:https?://ror\.org/)?(0[0-9a-hjkmnp-tv-z]{6}[0-9]{2})",
        "a ROR id: write it as 0 and 8 characters, e.g. 03yrm5c26",
    )(text.lower())
    number = 0
    for character in ror[1:7]:
        number = number * 32 + _ROR_DIGITS.index(character)
    if 98 - (number * 100) % 97 != int(ror[7:]):
        raise ValueError(f"{quote(text)} is not a ROR id: its check digits do not match")
    return ror


def _vat(text: str) -> str:
    from stdnum import exceptions
    from stdnum.eu import vat

    try:
        return str(vat.validate(text))
    except exceptions.InvalidChecksum:
        raise ValueError(
            f"{quote(text)} is not a VAT number: its check digits do not match"
        ) from None
    except exceptions.ValidationError:
        raise ValueError(
            f"{quote(text)} is not an EU VAT number: give the country code and the number, "
            "e.g. BE0403019261"
        ) from None


_wikidata = _matching(
    r"(?:https?://(?:www\.)?wikidata\.org/(?:wiki|entity)/)?(Q[1-9][0-9]*)",
    "a Wikidata item: write its Q number, e.g. Q458",
)
_pic = _matching(r"([0-9]{9})", "a Participant Identification Code: a PIC has 9 digits")
_funder = _matching(
    _DOI_RESOLVER + r"(?:10\.13039/)?([1-9][0-9]{8,11})",
    "a Crossref Funder ID: write its number or DOI, e.g. 10.13039/501100000780",
)
_project_doi = _matching(
    _DOI_RESOLVER + r"10\.3030/([1-9][0-9]{3,9})",
    "a CORDIS project DOI: write it as 10.3030/ and the grant agreement number, "
    "e.g. 10.3030/101021817",
    kept="10.3030/{}",
)


def _digits(what: str) -> Callable[[str], str]:
    return _matching(r"([1-9][0-9]{3,9})", f"{what}: write its number, 4 to 10 digits")


SCHEMES: dict[str, IdentifierScheme] = {
    scheme.name: scheme
    for scheme in (
        IdentifierScheme("ror", "ROR", "ROR id (03yrm5c26)", _ror, iri="https://ror.org/{}"),
        IdentifierScheme(
            "wikidata",
            "Wikidata",
            "Wikidata item (Q458)",
            _wikidata,
            iri="http://www.wikidata.org/entity/{}",
        ),
        IdentifierScheme("pic", "PIC", "Participant Identification Code (9 digits)", _pic),
        IdentifierScheme("vat", "VAT", "EU VAT number (BE0403019261)", _vat),
        IdentifierScheme(
            "funder_id",
            "Crossref Funder ID",
            "Crossref Funder ID (501100000780)",
            _funder,
            iri="https://doi.org/10.13039/{}",
        ),
        IdentifierScheme(
            "grant_agreement",
            "Grant agreement",
            "grant agreement number (digits)",
            _digits("a grant agreement number"),
        ),
        IdentifierScheme(
            "cordis",
            "CORDIS",
            "CORDIS project id (digits)",
            _digits("a CORDIS project id"),
            page="https://cordis.europa.eu/project/id/{}",
        ),
        IdentifierScheme(
            "doi", "DOI", "project DOI (10.3030/101021817)", _project_doi, iri="https://doi.org/{}"
        ),
    )
}


def checked(name: str) -> Callable[[Any], Any]:
    """A validator keeping an identifier of the scheme ``name`` in its normal form."""
    normalise = SCHEMES[name].normalise

    def check(value: Any) -> Any:
        return normalise(value) if isinstance(value, str) else value

    return check
