"""The form of a learner's reference list: missing fields, years, ISBN check digits, DOI syntax
and document-sharing copies, checked offline (crmkit/frameworks/reference_check.py)."""

from __future__ import annotations

import re

import pytest

from crmkit import frameworks
from crmkit.errors import ConfigError
from crmkit.frameworks.reference_check import check_references, doi_problem, isbn_problem, url_problem

# A real book (in the kit's reference list) and its form, which passes every check.
PMI = {"key": "pmi", "authors": "Project Management Institute", "year": 2006,
       "title": "Practice Standard for Work Breakdown Structures (2nd ed.)",
       "publisher": "Project Management Institute", "isbn": "1-933890-13-4"}


def _problems(refs, **kwargs) -> list[tuple[str, str]]:
    return [tuple(row) for row in check_references(refs, latest_year=2027, **kwargs)[["reference", "field"]].values]


@pytest.mark.parametrize("isbn", [
    "1-933890-13-4",      # 10 + 81 + 24 + 21 + 48 + 45 + 0 + 3 + 6 = 238; 238 + 4 = 242 = 22 * 11
    "ISBN 978-1-933890-13-5",  # 9 + 21 + 8 + 3 + 9 + 9 + 3 + 24 + 9 + 0 + 1 + 9 = 105; 105 + 5 = 110, 0 mod 10
    "0-8044-2957-X",      # 0 + 72 + 0 + 28 + 24 + 10 + 36 + 15 + 14 = 199; 199 + 10 = 209 = 19 * 11 (X is 10)
    "978-0-8144-1538-2",  # the ISBN-13 in the kit's reference list (inghilleri_solomon)
    "0 07 154833 5",      # the ISBN-10 of michelli_new_gold_standard, written with spaces
])
def test_valid_isbns_pass(isbn):
    assert isbn_problem(isbn) == ""


def test_the_isbn10_weights_are_computed_by_hand_too():
    # Independent of the module: ISBN-10 weights 10..1 must give a multiple of 11.
    digits = [1, 9, 3, 3, 8, 9, 0, 1, 3, 4]
    assert sum(w * d for w, d in zip(range(10, 0, -1), digits)) % 11 == 0


@pytest.mark.parametrize("isbn, expected", [
    ("1-933890-13-5", "ISBN-10 check digit is 5; the digits before it give 4"),
    # The ISBN-10's check digit kept on the 978 form: the slip a hand conversion makes.
    ("978-1-933890-13-4", "ISBN-13 check digit is 4; the digits before it give 5"),
    ("0-8044-2957-0", "ISBN-10 check digit is 0; the digits before it give X"),
])
def test_a_wrong_check_digit_is_caught_with_the_right_one(isbn, expected):
    assert isbn_problem(isbn) == expected


@pytest.mark.parametrize("isbn", ["1-933890-13", "12345678901234", "977-1-933890-13-5", "193389013Y"])
def test_what_is_not_an_isbn_is_said_so(isbn):
    assert isbn_problem(isbn).startswith("not an ISBN")


@pytest.mark.parametrize("doi", ["10.1509/jmkg.2005.69.4.167", "doi:10.1145/2843948",
                                 "https://doi.org/10.1109/MIC.2003.1167344", "10.1362/026725706776022272"])
def test_well_formed_dois_pass(doi):
    assert doi_problem(doi) == ""


@pytest.mark.parametrize("doi", ["10.123/x", "10.1509", "jmkg.2005.69.4.167", "10.1509/ jmkg", "11.1509/jmkg"])
def test_malformed_dois_are_caught(doi):
    assert doi_problem(doi).startswith("not a DOI")


def test_the_kits_own_isbns_and_dois_have_the_right_form():
    for key, ref in frameworks.references().items():
        for isbn in re.findall(r"ISBN ([\dX-]{10,17}\d|[\dX-]{9,16}X)", ref.citation):
            assert isbn_problem(isbn) == "", key
        for doi in re.findall(r"doi:(10\.\S+?)\.?(?:\s|$)", ref.citation):
            assert doi_problem(doi) == "", key


def test_a_sound_reference_has_no_findings_and_the_frame_keeps_its_columns():
    findings = check_references([PMI])
    assert findings.empty and list(findings.columns) == ["reference", "field", "value", "problem"]


@pytest.mark.parametrize("drop, field", [("authors", "authors"), ("year", "year"), ("title", "title"),
                                         ("publisher", "publisher"), ("isbn", "isbn, doi or url")])
def test_each_missing_field_is_named(drop, field):
    assert _problems([{k: v for k, v in PMI.items() if k != drop}]) == [("pmi", field)]


def test_alternative_names_and_blank_values():
    article = {"author": ["Payne, A.", "Frow, P."], "year": "2005", "title": "A strategic framework",
               "journal": "Journal of Marketing", "doi": "10.1509/jmkg.2005.69.4.167"}
    assert _problems([article]) == []
    assert _problems([{**article, "title": "  "}]) == [("#1", "title")]
    assert _problems([{**article, "author": []}]) == [("#1", "authors")]


@pytest.mark.parametrize("year, ok", [(2006, True), ("2006a", True), ("n.d.", True), (2106, False),
                                      (1066, False), ("06", False), ("2006-07", False), (2027, True), (2028, False)])
def test_the_year_must_be_plausible(year, ok):
    assert (_problems([{**PMI, "year": year}]) == []) is ok


def test_the_latest_year_defaults_to_next_year_so_a_forthcoming_work_passes():
    import datetime as dt
    this_year = dt.date.today().year
    assert check_references([{**PMI, "year": this_year + 1}]).empty
    assert not check_references([{**PMI, "year": this_year + 2}]).empty


@pytest.mark.parametrize("url, problem", [
    ("https://www.scribd.com/document/308009691/wbs", "a document-sharing copy"),
    ("https://www.studocu.com/en-gb/document/x", "a document-sharing copy"),
    ("https://vdocuments.net/x.html", "a document-sharing copy"),
    ("http://www.pmi.org/learning/library", "not https"),
    ("https://doi.org/jmkg", "not a DOI"),
    ("https://www.pmi.org/learning/library/project-schedule-risk-analysis-simulation-4620", ""),
])
def test_addresses_follow_the_kits_own_rules(url, problem):
    assert url_problem(url) == problem
    found = check_references([{**PMI, "url": url}])
    assert found["problem"].tolist() == ([problem] if problem else [])


def test_every_problem_of_a_reference_is_listed_in_order():
    bad = {"key": "x", "title": "Invented example", "year": 2106, "isbn": "1-933890-13-5",
           "doi": "10.12/x", "url": "https://www.scribd.com/document/1/x"}
    assert _problems([PMI, bad]) == [("x", "authors"), ("x", "publisher"), ("x", "year"), ("x", "isbn"),
                                     ("x", "doi"), ("x", "url")]


@pytest.mark.parametrize("refs, named", [
    (PMI, "refs is dict"),
    ("a reference", "refs is str"),
    ([PMI, "Haugan 2002"], "reference #2 is 'Haugan 2002'"),
    ([{**PMI, "title": 42}], "title of reference pmi is 42"),
    ([{**PMI, "year": 2006.0}], "year of reference pmi is 2006.0"),
    ([{**PMI, "year": True}], "year of reference pmi is True"),
    ([{**PMI, "authors": ["PMI", 3]}], "authors of reference pmi is ['PMI', 3]"),
    ([{**PMI, "isbn": 1933890134}], "isbn of reference pmi is 1933890134"),
])
def test_bad_input_types_are_refused_naming_field_and_value(refs, named):
    with pytest.raises(ConfigError, match=re.escape(named)):
        check_references(refs)


def test_a_bad_latest_year_is_refused():
    with pytest.raises(ConfigError, match="latest_year is '2027'"):
        check_references([PMI], latest_year="2027")
