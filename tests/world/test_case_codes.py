"""The engine names no case reason, feedback topic or service issue: what it does with them is data.

Each case declares its own codes (the ``codes:`` section of its world.yaml, see
:mod:`crmkit.world.codes`); which complaint reason an order's issue gives, which topic a
survey after it is about, which reasons a complaint is miscoded as, which requests point at
an order: ``mappings`` and ``roles`` in ``crmkit/world/data/words.yaml`` unless the case
declares its own. A new case with codes of its own simulates with only those codes.
"""

from __future__ import annotations

import ast
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
import yaml

import crmkit as ck
from crmkit.world.stream import generate
from crmkit.errors import ConfigError
from crmkit.world.cases import load_config
from crmkit.world.vocabulary import terms
from crmkit.world.words import mapping, roles

ENGINE = Path(ck.__file__).parent / "world"
CODES = set(terms("case_reason")) | set(terms("feedback_topic")) | (set(terms("service_issue")) - {"none"})
# Strings equal to a code that are not one: (module, value, why).
NOT_CODES = {("loyalty.py", "loyalty"),  # the name of the module's random stream
             ("ops/finance.py", "delivery"), ("ops/finance.py", "billing"),  # config field names
             ("ops/service_config.py", "home_event")}  # the old name of the event_order setting, read so saved worlds load


def codes_named(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted((n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in CODES)


@pytest.mark.parametrize("module", sorted(p.relative_to(ENGINE).as_posix() for p in ENGINE.rglob("*.py")))
def test_engine_code_names_no_reason_topic_or_issue(module):
    named = [(line, v) for line, v in codes_named(ENGINE / module) if (module, v) not in NOT_CODES]
    assert named == [], f"crmkit/world/{module} names codes {named}: put their role in data/words.yaml (mappings or roles)"


def test_the_scan_finds_a_code(tmp_path):
    code = tmp_path / "m.py"
    code.write_text('wrong = ("product_question", "order_status")\n')
    assert codes_named(code) == [(1, "order_status"), (1, "product_question")]


def test_every_service_issue_has_a_complaint_reason_and_a_topic():
    issues = set(terms("service_issue")) - {"none"}
    assert set(mapping("reason_of_issue")) == issues and set(mapping("topic_of_issue")) == issues
    assert set(mapping("reason_of_issue").values()) <= set(terms("case_reason"))
    assert set(mapping("topic_of_issue").values()) <= set(terms("feedback_topic"))


@pytest.mark.parametrize("role, vocabulary", [("miscoded_as", "case_reason"), ("about_an_order", "case_reason"),
                                              ("service_topic", "feedback_topic"), ("event_topic", "feedback_topic"),
                                              ("new_product_topic", "feedback_topic"), ("loyalty_topic", "feedback_topic")])
def test_each_role_holds_codes_of_its_vocabulary(role, vocabulary):
    assert roles(role) and set(roles(role)) <= set(terms(vocabulary))


def test_a_complaint_is_never_miscoded_as_another_complaint():
    assert not set(roles("miscoded_as")) & set(mapping("reason_of_issue").values())


@pytest.mark.parametrize("case", ck.cases())
def test_every_shipped_case_declares_its_codes_with_a_remark(case):
    raw = yaml.safe_load(files("crmkit._case_studies").joinpath(case, "world.yaml").read_text(encoding="utf-8"))
    assert {"remark", "service_issue", "case_reason", "feedback_topic"} <= set(raw["codes"])
    codes = load_config(case).codes
    assert codes.service_issue == raw["codes"]["service_issue"] and codes.case_reason == raw["codes"]["case_reason"]


# A bakery that delivers to cafés: its own issues, reasons and topics, none of them the kit's.
BAKERY_CODES = {
    "remark": "Invented for the test: a bakery's own codes.",
    "service_issue": ["none", "stale_bread", "late_van"],
    "case_reason": ["stale_bread", "late_van", "allergen_question", "standing_order_change"],
    "feedback_topic": ["freshness", "punctuality", "bakery_staff", "crust", "bake_price", "new_bake", "tasting_day", "card"],
    "refund_reason": ["stale_bread", "late_van", "no_longer_wanted"],
    "reason_of_issue": {"stale_bread": "stale_bread", "late_van": "late_van"},
    "topic_of_issue": {"stale_bread": "freshness", "late_van": "punctuality"},
    "refund_of_issue": {"none": "no_longer_wanted", "stale_bread": "stale_bread", "late_van": "late_van"},
    "roles": {"miscoded_as": ["allergen_question"], "about_an_order": ["standing_order_change"],
              "service_topic": "bakery_staff", "event_topic": "tasting_day", "new_product_topic": "new_bake", "loyalty_topic": "card"},
}


def _tones(what: str) -> dict:
    return {"negative": [f"the {what} let us down"], "neutral": [f"the {what} was as usual"], "positive": [f"the {what} was superb"]}


BAKERY_WORDS = {
    "comments": {t: _tones(t.replace("_", " ")) for t in BAKERY_CODES["feedback_topic"]},
    "reasons": {r: r.replace("_", " ") for r in BAKERY_CODES["case_reason"]},
    "general_topics": ["crust", "bake_price", "card"],
}
# Each table column that holds one of the world's own codes, and the list it comes from.
CODE_COLUMNS = [("orders", "service_issue", "service_issue"), ("truth.service_issues", "issue", "service_issue"),
                ("cases", "reason", "case_reason"), ("truth.cases", "true_cause", "case_reason"),
                ("surveys", "topic", "feedback_topic"), ("truth.surveys", "topic", "feedback_topic"),
                ("refunds", "reason", "refund_reason")]


def _bakery(folder: Path, **changes) -> Path:
    """A case written only as a folder with a world.yaml (the retailer's, with the bakery's codes)."""
    raw = yaml.safe_load(files("crmkit._case_studies").joinpath("retailer", "world.yaml").read_text(encoding="utf-8"))
    raw.update(name="bakery", title="A bakery for cafés", codes=BAKERY_CODES, words=BAKERY_WORDS)
    for key in ("dataset", "levers", "sales", "partners", "realism"):
        raw.pop(key, None)
    raw["service"]["issue_mix"] = {"stale_bread": 0.7, "late_van": 0.3}
    raw["service_desk"]["requests"]["reasons"] = {"allergen_question": 0.4, "standing_order_change": 0.6}
    raw["finance"]["returns"]["rate"] = {"none": 0.02, "stale_bread": 0.5, "late_van": 0.2}
    for path, value in changes.items():
        section, key = path.split(".", 1)
        raw[section] = {**raw[section], key: value}
    (folder / "bakery").mkdir()
    path = folder / "bakery" / "world.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bakery(tmp_path_factory):
    return ck.simulate(str(_bakery(tmp_path_factory.mktemp("cases"))), customers=500, seed=4, progress=False)


def _column(world, table: str, column: str):
    return world.truth[table.removeprefix("truth.")][column] if table.startswith("truth.") else world.tables[table][column]


@pytest.mark.parametrize("table, column, codes", CODE_COLUMNS)
def test_a_new_case_with_its_own_codes_has_only_those_in_its_tables(bakery, table, column, codes):
    values = _column(bakery, table, column)
    assert list(values.cat.categories) == BAKERY_CODES[codes]  # the world's own list, in its order
    seen = set(values.dropna().astype(str))
    assert seen and seen <= set(BAKERY_CODES[codes])
    assert not seen & (set(terms(codes)) - {"none"}), f"{table}.{column} holds the kit's codes {seen & set(terms(codes))}"


def test_the_new_case_uses_each_code_for_its_role(bakery):
    cases, surveys = bakery.tables["cases"], bakery.truth["surveys"]
    complaints = cases[cases["is_complaint"]]
    assert set(complaints["reason"].astype(str)) <= {"stale_bread", "late_van", "allergen_question"}  # or miscoded
    assert set(cases.loc[~cases["is_complaint"], "reason"].astype(str)) == {"allergen_question", "standing_order_change"}
    assert {"freshness", "bakery_staff"} <= set(surveys["topic"].astype(str))
    subjects = bakery.tables["activities"]["subject"].astype(str)
    assert subjects.str.fullmatch(r"Complaint: (stale bread|late van|allergen question)").any()


def test_the_new_case_is_consistent_and_loads_back_with_its_codes(bakery, tmp_path):
    from crmkit.world.validate import check_world

    assert check_world(bakery) == []
    for fmt, name in (("csv", "w"), ("sqlite", "w.db")):
        loaded = ck.load_world(bakery.save(tmp_path / name, format=fmt))
        assert list(loaded.tables["cases"]["reason"].cat.categories) == BAKERY_CODES["case_reason"]
        assert loaded.tables["cases"]["reason"].equals(bakery.tables["cases"]["reason"])


def test_a_streamed_world_of_a_case_without_partners_loads_back(tmp_path):
    # generate() writes the global tables first; one the case leaves out (partners) must be
    # written empty, as save() does, or the streamed world could not be loaded.
    case = _bakery(tmp_path)
    out = generate(str(case), tmp_path / "streamed", customers=300, seed=4, format="parquet", progress=False)
    loaded = ck.load_world(out)
    saved = ck.load_world(ck.simulate(str(case), customers=300, seed=4, progress=False).save(tmp_path / "saved"))
    assert len(loaded.tables["partners"]) == 0
    for name, df in saved.tables.items():
        pd.testing.assert_frame_equal(loaded.tables[name], df, obj=name)


BAD_CODES = [  # (change to the bakery's world.yaml, the field and the value the message must name)
    ({"service.issue_mix": {"stale_bread": 1.0, "late_delivery": 1.0}}, ["service.issue_mix", "'late_delivery'", "stale_bread, late_van"]),
    ({"finance.returns": {"remark": "x" * 5, "rate": {"burnt": 0.1}, "mean_days": 3}}, ["finance.returns.rate", "'burnt'", "none, stale_bread"]),
    ({"codes.roles": {**BAKERY_CODES["roles"], "miscoded_as": ["product_question"]}}, ["codes.roles", "'product_question'", "allergen_question"]),
    ({"codes.service_issue": ["stale_bread", "late_van"]}, ["codes.service_issue", "'none'", "'stale_bread'"]),
    ({"codes.case_reason": ["stale_bread", "late_van"]}, ["codes.", "'allergen_question'", "stale_bread, late_van"]),
    ({"words.general_topics": ["weather"]}, ["words.general_topics", "'weather'", "freshness, punctuality"]),
    ({"words.reasons": {"stale_bread": "stale"}}, ["words.reasons", "'late_van'"]),
]


@pytest.mark.parametrize("changes, needles", BAD_CODES)
def test_a_config_naming_an_unknown_code_gets_one_line_naming_it(tmp_path, changes, needles):
    with pytest.raises(ConfigError) as info:
        load_config(str(_bakery(tmp_path, **changes)))
    message = str(info.value)
    assert "\n" not in message and all(n in message for n in needles), message


def test_a_case_whose_codes_differ_from_the_kit_must_declare_what_they_do(tmp_path):
    """The kit's mappings name the kit's issues: a case with other issues is told to declare its own."""
    raw = yaml.safe_load(_bakery(tmp_path).read_text(encoding="utf-8"))
    raw["codes"] = {k: v for k, v in BAKERY_CODES.items() if k != "reason_of_issue"}
    with pytest.raises(ConfigError, match="codes.reason_of_issue must name each service issue once .*declare it"):
        load_config(raw)
