"""The form of a reference list, checked offline: what a learner's library research can be held to.

The kit cannot tell whether a learner read a book, nor whether a reference names a work that
exists. It can check the form of the list: every reference names its author(s), year, title,
publisher or journal, and an ISBN, DOI or address; the year is plausible; an ISBN's check digit
is right; a DOI has the syntax DOIs have; an address is a stable https page, not an uploaded
copy on a document-sharing site. The kit's own reference list is held to the same address rules
(tests/frameworks/test_references.py uses :func:`url_problem`).

>>> pmi = {"authors": "Project Management Institute", "year": 2006,
...        "title": "Practice Standard for Work Breakdown Structures (2nd ed.)",
...        "publisher": "Project Management Institute", "isbn": "1-933890-13-4"}
>>> check_references([pmi]).empty
True
>>> check_references([{**pmi, "isbn": "1-933890-13-5"}])[["field", "problem"]].values.tolist()
[['isbn', 'ISBN-10 check digit is 5; the digits before it give 4']]
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pandas as pd

from crmkit.errors import ConfigError

__all__ = ["DOCUMENT_SHARING_HOSTS", "check_references", "isbn_problem", "doi_problem", "url_problem"]

# Sites that host uploaded copies of other people's documents: not a stable source, and often
# not a lawful one. A reference links the DOI, the publisher or the original page instead.
# A name ending in "." matches any domain that contains it (vdocuments.mx, vdocuments.net ...).
DOCUMENT_SHARING_HOSTS = (
    "scribd.com", "researchgate.net", "bartleby.com", "vdocuments.", "fdocuments.", "docsbay.net",
    "documents.pub", "flipbuilder.com", "pdfcookie.com", "vdocumento.com", "bookreadfree.com",
    "full-english-books.net", "exampleessays.com", "dokumen.tips", "cupdf.com", "studylib.net",
    "pdfkul.com", "docsford.com", "docplayer.", "pdfhall.com", "slideshare.net", "studymode.com",
    "01900055.com", "cuidartupiel.com", "allamericanelectric.org", "dhirubhai.net",
    "digilib.universitaspertamina.ac.id", "studocu.com", "coursehero.com",
)
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$")
# Crossref's advice for matching modern DOIs: "10.", a registrant code of 4 to 9 digits, "/", a suffix.
DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:a-z0-9]+$", re.IGNORECASE)
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")
# Printed books start with Gutenberg; a year after next year is a typing slip, not a forthcoming work.
FIRST_YEAR = 1450
# The fields a reference needs, each with the names it may be given under.
REQUIRED = {"authors": ("authors", "author"), "year": ("year",), "title": ("title",),
            "publisher": ("publisher", "journal"), "isbn, doi or url": ("isbn", "doi", "url")}
TEXT_FIELDS = ("key", "title", "publisher", "journal", "isbn", "doi", "url")
COLUMNS = ["reference", "field", "value", "problem"]


def isbn_problem(isbn: str) -> str:
    """What is wrong with an ISBN-10 or ISBN-13 ("" if its check digit is right).

    Hyphens, spaces and a leading "ISBN" are ignored.

    >>> isbn_problem("ISBN 978-1-933890-13-5"), isbn_problem("0-8044-2957-X")
    ('', '')
    >>> isbn_problem("978-1-933890-13-4")
    'ISBN-13 check digit is 4; the digits before it give 5'
    >>> isbn_problem("1-933890-13")
    'not an ISBN: 10 or 13 digits (an ISBN-10 may end in X), found 1-933890-13'
    """
    digits = re.sub(r"[\s-]", "", re.sub(r"^ISBN(-1[03])?:?", "", isbn.strip(), flags=re.IGNORECASE))
    if re.fullmatch(r"\d{9}[\dXx]", digits):
        # ISBN-10: the weights 10, 9, ..., 2 on the first nine digits; the check makes the total 0 mod 11.
        due = -sum(weight * int(d) for weight, d in zip(range(10, 1, -1), digits[:9])) % 11
        given, expected = digits[9].upper(), "X" if due == 10 else str(due)
        return "" if given == expected else f"ISBN-10 check digit is {given}; the digits before it give {expected}"
    if re.fullmatch(r"97[89]\d{10}", digits):
        # ISBN-13 (EAN-13): the weights 1, 3, 1, 3, ...; the check makes the total 0 mod 10.
        due = str(-sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10)
        return "" if digits[12] == due else f"ISBN-13 check digit is {digits[12]}; the digits before it give {due}"
    return f"not an ISBN: 10 or 13 digits (an ISBN-10 may end in X), found {isbn.strip()[:40]}"


def doi_problem(doi: str) -> str:
    """What is wrong with a DOI's syntax ("" if none); a ``doi:`` or doi.org prefix is allowed.

    Only the form is checked: whether the DOI is registered needs the network.

    >>> doi_problem("10.1509/jmkg.2005.69.4.167"), doi_problem("https://doi.org/10.4236/jsea.2014.77050")
    ('', '')
    >>> doi_problem("10.123/x")
    'not a DOI: "10.", a registrant code of 4 to 9 digits, "/" and a suffix, found 10.123/x'
    """
    text = doi.strip()
    for prefix in DOI_PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
            break
    if DOI.match(text):
        return ""
    return f'not a DOI: "10.", a registrant code of 4 to 9 digits, "/" and a suffix, found {doi.strip()[:60]}'


def url_problem(url: str) -> str:
    """What is wrong with a reference's address ("" if none): not https, malformed, a
    document-sharing copy, or a doi.org address that holds no DOI.

    >>> url_problem("https://www.pmi.org/learning/library"), url_problem("https://www.scribd.com/document/1/x")
    ('', 'a document-sharing copy')
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return "not https"
    if not HOST.match(host) or " " in url:
        return "not a well-formed address"
    if any(host == bad or host.endswith("." + bad) or (bad.endswith(".") and bad in host)
           for bad in DOCUMENT_SHARING_HOSTS):
        return "a document-sharing copy"
    if host == "doi.org" and not re.match(r"^/10\.\d{4,}/\S+$", parts.path):
        return "not a DOI"
    return ""


def _blank(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, (list, tuple)) and not value)


def _filled(ref: dict, names: tuple[str, ...]) -> bool:
    """Whether ``ref`` fills one of ``names`` (an author under "author" counts as "authors")."""
    return any(not _blank(ref.get(name)) for name in names)


def _check_types(ref, label: str) -> None:
    if not isinstance(ref, dict):
        raise ConfigError(f"reference {label} is {ref!r}; allowed: a dict with authors, year, title, "
                          "publisher or journal, and isbn, doi or url")
    for field in TEXT_FIELDS:
        if not (ref.get(field) is None or isinstance(ref[field], str)):
            raise ConfigError(f"{field} of reference {label} is {ref[field]!r}; allowed: a text")
    for field in ("authors", "author"):
        value = ref.get(field)
        if not (value is None or isinstance(value, str)
                or (isinstance(value, (list, tuple)) and all(isinstance(name, str) for name in value))):
            raise ConfigError(f"{field} of reference {label} is {value!r}; allowed: a text or a list of texts")
    year = ref.get("year")
    if isinstance(year, bool) or not (year is None or isinstance(year, (int, str))):
        raise ConfigError(f"year of reference {label} is {year!r}; allowed: a whole number such as 2006, "
                          "a text such as '2006', or 'n.d.'")


def _year_problem(year, latest: int, latest_text: str) -> str:
    text = str(year).strip()
    if text.lower() == "n.d.":  # "no date": an honest entry for an undated web page
        return ""
    if not re.fullmatch(r"\d{4}[a-z]?", text):
        return "not a year: four digits (2006, or 2006a for a second work that year) or 'n.d.'"
    if not FIRST_YEAR <= int(text[:4]) <= latest:
        return f"implausible year: allowed {FIRST_YEAR} to {latest_text}"
    return ""


def _findings(ref: dict, label: str, latest: int, latest_text: str) -> list[tuple]:
    rows = []
    for field, names in REQUIRED.items():
        if not _filled(ref, names):
            rows.append((label, field, None, f"missing: give {' or '.join(names)}"))
    if not _blank(ref.get("year")) and (problem := _year_problem(ref["year"], latest, latest_text)):
        rows.append((label, "year", ref["year"], problem))
    for field, problem_of in (("isbn", isbn_problem), ("doi", doi_problem), ("url", url_problem)):
        if not _blank(ref.get(field)) and (problem := problem_of(ref[field])):
            rows.append((label, field, ref[field], problem))
    return rows


def check_references(refs, *, latest_year: int | None = None) -> pd.DataFrame:
    """The problems of form in a reference list, one row per problem (no rows: the form is sound).

    Parameters
    ----------
    refs : list of dict
        One dict per reference with ``authors`` (or ``author``: a text or a list of texts),
        ``year`` (2006, "2006" or "n.d."), ``title``, ``publisher`` (or ``journal``) and at least
        one of ``isbn``, ``doi``, ``url``; an optional ``key`` names it in the findings (else
        its position, "#1", "#2", ...).
    latest_year : int, optional
        The last plausible year; by default next year (a forthcoming work), which the
        findings then call "next year", so that they read the same from one year to the next.

    Returns
    -------
    DataFrame
        Columns ``reference``, ``field``, ``value`` (the value found, None if missing) and
        ``problem``, in the order of the list.

    Raises
    ------
    ConfigError
        If ``refs`` is not a list of dicts or a field has the wrong type (a number as a title).

    Examples
    --------
    >>> refs = [{"key": "a", "author": "Example, A.", "year": 2106, "title": "An invented example",
    ...          "journal": "Example Journal", "doi": "10.12/x"},
    ...         {"key": "b", "title": "Notes", "url": "https://www.scribd.com/document/1/x"}]
    >>> check_references(refs, latest_year=2027)[["reference", "field", "problem"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['a', 'year', 'implausible year: allowed 1450 to 2027'],
     ['a', 'doi', 'not a DOI: "10.", a registrant code of 4 to 9 digits, "/" and a suffix, found 10.12/x'],
     ['b', 'authors', 'missing: give authors or author'], ['b', 'year', 'missing: give year'],
     ['b', 'publisher', 'missing: give publisher or journal'], ['b', 'url', 'a document-sharing copy']]
    """
    if not isinstance(refs, (list, tuple)):
        raise ConfigError(f"refs is {type(refs).__name__} {refs!r:.60}; allowed: a list of dicts, one per reference")
    latest = dt.date.today().year + 1 if latest_year is None else latest_year
    if isinstance(latest, bool) or not isinstance(latest, int):
        raise ConfigError(f"latest_year is {latest_year!r}; allowed: a whole number such as 2027")
    rows = []
    for position, ref in enumerate(refs, start=1):
        label = ref.get("key") or f"#{position}" if isinstance(ref, dict) else f"#{position}"
        _check_types(ref, label)
        rows += _findings(ref, label, latest, "next year" if latest_year is None else str(latest))
    return pd.DataFrame(rows, columns=COLUMNS)
