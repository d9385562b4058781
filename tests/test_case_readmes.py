"""The model-company case studies: every cited source is in the kit's reference list, every fact
carries a source and an evidence label, and the claims the researched facts rule out stay out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from crmkit import frameworks

CASE_ROOT = Path(__file__).resolve().parents[1] / "case_studies"
MODEL_CASES = sorted(p.parent.name for p in CASE_ROOT.glob("*/README.md"))
REQUIRED_CASES = {"tesco", "harrahs", "ritz_carlton"}
CITATION = re.compile(r"\[@([^\]]+)\]")
LABEL = re.compile(r"\[(C|C-sec|U|A)\]")
REQUIRED_SECTIONS = (
    "Which CRM types and IDIC steps it illustrates", "Why it is a model", "Limits and critiques",
    "Voices of customers", "Discussion questions", "References",
)
# Sections whose bullets and table rows must each carry a source or the analysis label [A].
UNCHECKED_SECTIONS = {"Discussion questions", "The simulated world", "References", ""}


def _text(case: str) -> str:
    return (CASE_ROOT / case / "README.md").read_text(encoding="utf-8")


def cited_keys(text: str) -> list[str]:
    """Reference keys cited as [@key] or [@a; @b] in Markdown text."""
    return [key.strip().lstrip("@") for group in CITATION.findall(text) for key in group.split(";")]


def sections(text: str) -> dict[str, str]:
    """Level-2 sections of a README: title -> body ('' holds the text before the first one)."""
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return {"": parts[0], **{parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}}


def items(body: str) -> list[str]:
    """Bullets (with their continuation lines) and table body rows of a section."""
    found, current = [], None
    for line in body.splitlines():
        if line.startswith("- "):
            current = [line]
            found.append(current)
        elif line.startswith("  ") and current is not None:
            current.append(line)
        else:
            current = None
            if line.startswith("|") and not re.match(r"^\|[\s|:-]+\|$", line):
                found.append([line])
    rows = [" ".join(item) for item in found]
    table_headers = {row for row in rows if row.startswith("| figure") or row.startswith("| period")}
    return [row for row in rows if row not in table_headers]


def test_the_required_model_companies_have_a_case_study():
    assert REQUIRED_CASES <= set(MODEL_CASES)


@pytest.mark.parametrize("case", MODEL_CASES)
def test_every_cited_source_is_in_the_reference_list(case):
    keys = cited_keys(_text(case))
    assert len(set(keys)) >= 5, "a case study rests on several sources"
    unknown = sorted(set(keys) - set(frameworks.references()))
    assert not unknown, f"{case}: cited keys missing from references.yaml: {unknown}"


@pytest.mark.parametrize("case", MODEL_CASES)
def test_references_section_lists_exactly_the_cited_sources_as_the_reference_list_has_them(case):
    parts = sections(_text(case))
    body_without_references = "\n".join(v for k, v in parts.items() if k != "References")
    keys = sorted(set(cited_keys(body_without_references)))
    expected = ["- " + frameworks.cite(key) for key in keys]
    listed = [line for line in parts["References"].splitlines() if line.strip()]
    assert listed == expected, f"{case}: regenerate the References section from crmkit.frameworks.cite"


@pytest.mark.parametrize("case", MODEL_CASES)
def test_a_case_study_has_the_sections_the_issue_asks_for(case):
    titles = list(sections(_text(case)))
    assert titles[1].startswith("What "), "first section: what the company did"
    for required in REQUIRED_SECTIONS:
        assert any(title.startswith(required) for title in titles), f"{case}: no section {required!r}"
    questions = sections(_text(case))["Discussion questions"]
    assert len(re.findall(r"^\d+\. ", questions, flags=re.MULTILINE)) >= 4


@pytest.mark.parametrize("case", MODEL_CASES)
def test_every_fact_carries_a_source_and_an_evidence_label(case):
    for title, body in sections(_text(case)).items():
        if title in UNCHECKED_SECTIONS:
            continue
        for item in items(body):
            assert cited_keys(item) or "[A]" in item, f"{case} / {title}: no source for: {item[:90]}"
            assert LABEL.search(item), f"{case} / {title}: no evidence label for: {item[:90]}"


@pytest.mark.parametrize("case", MODEL_CASES)
def test_secondary_sources_are_labelled_as_secondary(case):
    refs = frameworks.references()
    for title, body in sections(_text(case)).items():
        for item in items(body):
            statuses = {refs[key].status for key in cited_keys(item) if key in refs}
            if statuses == {"C-sec"}:
                assert "[C-sec]" in item, f"{case} / {title}: secondary source cited as confirmed: {item[:90]}"


@pytest.mark.parametrize("case", MODEL_CASES)
def test_unverified_claims_say_so(case):
    paragraphs = re.split(r"\n\s*\n|\n(?=- )", _text(case))
    for paragraph in paragraphs:
        if "[U]" in paragraph and "Evidence labels" not in paragraph:
            assert re.search(r"unverified|not found|not seen", paragraph), paragraph[:120]


@pytest.mark.parametrize("case", MODEL_CASES)
def test_the_simulated_world_is_called_synthetic(case):
    world_section = sections(_text(case)).get("The simulated world", "")
    assert "synthetic" in world_section


RETRACTED = yaml.safe_load((CASE_ROOT / "retracted_claims.yaml").read_text(encoding="utf-8"))["claims"]
NOTEBOOKS = sorted((CASE_ROOT.parent / "notebooks").glob("*.ipynb"))


def _markdown(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")


def passages(text: str) -> list[str]:
    """Paragraphs, with each table row a passage of its own: a caveat counts only beside its claim."""
    found = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines = paragraph.splitlines()
        found += lines if lines and all(line.lstrip().startswith("|") for line in lines) else [paragraph]
    return found


def retracted_mentions(text: str) -> list[str]:
    """The ids of the retracted claims that a passage of ``text`` makes without its caveat."""
    return sorted({claim["id"] for passage in passages(text) for claim in RETRACTED
                   if re.search(claim["pattern"], passage, flags=re.IGNORECASE)
                   and not any(phrase in passage for phrase in claim.get("unless", []))})


@pytest.mark.parametrize("text, found", [
    ("Harrah's found that 26% of its customers ...", ["harrahs_26_to_82"]),
    ("Amazon: 35% of revenue from recommendations.", ["amazon_35_percent"]),
    ("Amazon: 35% of revenue (a McKinsey estimate, second-hand).", []),
    ("source: worldmetrics.org", ["avoided_sources"]),
    ("Retention lifts profit by 25 to 85%.", ["retention_25_to_85"]),
    ('| "25–85 %" | an exhibit not seen | [U]: do not state it as fact |', []),
    ('| "25–85 %" | an exhibit not seen | [C] |\n| other | [U]: do not state it as fact |', ["retention_25_to_85"]),
    ("Tesco launched Clubcard in 1995.", []),
    ("My Starbucks Rewards launched in 2009.", ["starbucks_rewards_launch_year"]),
    ("My Starbucks Rewards started in 2008 or 2009: the sources disagree.", []),
])
def test_the_retracted_claims_list_finds_what_it_should(text, found):
    assert retracted_mentions(text) == found


@pytest.mark.parametrize("case", MODEL_CASES)
def test_the_claims_and_sources_the_facts_rule_out_stay_out(case):
    assert retracted_mentions(_text(case)) == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem for n in NOTEBOOKS])
def test_no_lesson_repeats_a_retracted_claim(notebook):
    assert retracted_mentions(_markdown(notebook)) == []


def test_the_index_lists_every_case_folder():
    index = (CASE_ROOT / "README.md").read_text(encoding="utf-8")
    folders = sorted(p.name for p in CASE_ROOT.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    for folder in folders:
        assert f"({folder}/" in index, f"case_studies/README.md does not link {folder}/"
    assert "synthetic" in index.lower()
    assert set(cited_keys(index)) <= set(frameworks.references())


def test_the_assignment_asks_for_own_experience_and_feedback_with_a_100_point_rubric():
    text = (CASE_ROOT / "assignment_model_companies.md").read_text(encoding="utf-8")
    prose = " ".join(text.split())
    assert "three companies" in prose.lower()
    assert "own experience as a customer" in prose and "customer feedback or articles" in prose
    rubric = sections(text)["Rubric (100 points)"]
    points = [int(row.split("|")[2]) for row in rubric.splitlines() if re.match(r"^\| [A-Z].*\| \d+ \|", row)]
    assert len(points) >= 6 and sum(points) == 100
    assert set(cited_keys(text)) <= set(frameworks.references())
