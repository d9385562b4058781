"""Every business speaks its own words, from its world.yaml; the engine speaks none of them.

Issue 18 point 1 and issue 13 ("each business true to itself"): survey comments, sales
subjects, places and phone numbers come from the case's ``words:`` section (or the kit's
neutral defaults), a case's own nouns never appear in the engine's code, and a new case
needs only a folder with a world.yaml.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import crmkit as ck
from crmkit.errors import ConfigError
from crmkit.world.cases import load_config

ENGINE = Path(ck.__file__).parent / "world"
CASES_WITH_WORDS = [c for c in ck.cases() if load_config(c).words is not None]
# The issue's own examples of another business's words (beside each case's declared nouns).
FOREIGN = {"ritz_carlton": ["container", "containers", "lid", "lids", "plastic", "parcel", "eggs"],
           "harrahs": ["lid", "lids", "plastic", "parcel", "groceries", "suite"],
           "tesco": ["room", "rooms", "suite", "jackpot", "lids", "plastic"],
           "retailer": ["lids", "jackpot", "concierge", "eggs"],
           "pschse": ["jackpot", "concierge", "eggs", "substitution"]}


def _nouns(case: str) -> list[str]:
    return load_config(case).words.nouns


def _has(text: str, word: str) -> bool:
    return re.search(rf"(?<![A-Za-z_]){re.escape(word)}(?![A-Za-z_])", text, re.IGNORECASE) is not None


def test_every_shipped_case_declares_its_words_and_nouns():
    assert set(CASES_WITH_WORDS) >= {"pschse", "retailer", "tesco", "harrahs", "ritz_carlton"}
    for case in CASES_WITH_WORDS:
        assert len(_nouns(case)) >= 5, case


@pytest.mark.parametrize("case", CASES_WITH_WORDS)
def test_no_case_noun_in_engine_code(case):
    hits = [(noun, str(path.relative_to(ENGINE))) for path in sorted(ENGINE.rglob("*.py"))
            for noun in _nouns(case) if _has(path.read_text(encoding="utf-8"), noun)]
    assert hits == [], f"{case}'s nouns in the engine's code (move the words to the case's world.yaml): {hits}"


def test_the_noun_check_finds_a_noun(tmp_path):
    """The check above can fail: a noun written in a module is found."""
    assert _has('PHRASES = ["the lids crack"]', "lids") and not _has("lid = rows['object']", "lids")


@pytest.fixture(scope="module")
def worlds():
    """Each case in a small world (the words do not depend on its size)."""
    return {case: ck.simulate(case, customers=600, seed=3, progress=False) for case in CASES_WITH_WORDS}


@pytest.fixture(scope="module")
def comments(worlds):
    return {case: w.tables["surveys"]["comment"].dropna().astype(str).tolist() for case, w in worlds.items()}


@pytest.mark.parametrize("case", CASES_WITH_WORDS)
def test_service_subjects_use_the_case_reasons(case, worlds):
    reasons = load_config(case).words.reasons
    subjects = worlds[case].tables["activities"]["subject"].astype(str)
    service = subjects[subjects.str.match(r"^(Complaint|Request|Escalation review|Resolution|Follow up): ")]
    assert len(service) and set(service.str.split(": ", n=1).str[1]) <= set(reasons.values())
    if case in ("harrahs", "ritz_carlton"):
        assert not service.str.contains("delivery").any(), "a casino or a hotel delivers no parcels"


@pytest.mark.parametrize("case", CASES_WITH_WORDS)
def test_comments_hold_no_other_business_words(case, comments):
    own = " ".join(p for tones in load_config(case).words.comments.values()
                   for s in ("negative", "neutral", "positive") for p in getattr(tones, s))
    foreign = {w for other in CASES_WITH_WORDS if other != case for w in _nouns(other)} | set(FOREIGN.get(case, []))
    foreign = {w for w in foreign if not _has(own, w)}  # a word the business itself uses is its own too
    assert len(comments[case]) >= 30, "too few comments to judge"
    wrong = sorted({(w, c) for c in comments[case] for w in foreign if _has(c, w)})
    assert wrong == [], f"{case} comments speak of another business: {wrong[:5]}"


def _foreign_in_reasons(case: str, reasons: dict[str, str]) -> list[tuple[str, str]]:
    """(reason, word) where a case's service reason speaks of another business (its own nouns excepted)."""
    foreign = ({w for other in CASES_WITH_WORDS if other != case for w in _nouns(other)} | set(FOREIGN.get(case, []))) - set(_nouns(case))
    return sorted((code, w) for code, text in reasons.items() for w in foreign if _has(text, w))


@pytest.mark.parametrize("case", CASES_WITH_WORDS)
def test_service_reasons_are_the_case_own(case):
    assert _foreign_in_reasons(case, load_config(case).words.reasons) == []


def test_a_casino_with_a_hotel_reason_from_another_business_fails():
    reasons = {**load_config("harrahs").words.reasons, "late_delivery": "parcel of groceries left outside"}
    assert ("late_delivery", "groceries") in _foreign_in_reasons("harrahs", reasons)


@pytest.mark.parametrize("case", CASES_WITH_WORDS)
def test_comments_speak_the_case_own_nouns(case, comments):
    text = " ".join(comments[case])
    assert any(_has(text, noun) for noun in _nouns(case)), f"no comment of {case} uses one of its nouns"


def test_a_grocer_in_the_uk_has_uk_places_phones_and_pounds():
    world = ck.simulate("tesco", customers=300, seed=2, progress=False)
    c = world.customers
    regions = set(load_config("tesco").words.geography.regions)
    assert set(c["region"].dropna()) <= regions and "Scotland" in regions
    assert {"Northeast", "Midwest", "South", "West"}.isdisjoint(set(c["region"]))
    assert c["phone"].dropna().str.match(r"^07700 900\d{3}$").all()
    assert world.config.words.geography.currency == "GBP"
    assert set(world.tables["staff"]["region"]) == regions


def test_a_casino_has_no_home_party_sign_up_sheet():
    systems = load_config("harrahs").sources.systems
    assert "event_signup" not in systems
    world = ck.simulate("harrahs", customers=300, seed=2, progress=False)
    assert "event_signup" not in set(world.tables["source_records"]["source_system"].astype(str))


NEW_CASE_WORDS = {
    "nouns": ["sourdough", "croissants", "baker"],
    "comments": {
        "product_quality": {"negative": ["the sourdough was flat and dense"],
                            "neutral": ["the sourdough is what you would expect"],
                            "positive": ["the best sourdough in town"]},
        "product_range": {"negative": ["never any croissants after nine"],
                          "neutral": ["the usual croissants and loaves"],
                          "positive": ["so many croissants to choose from"]},
        "price": {"negative": ["bread from this baker costs too much"], "neutral": ["a fair price for a loaf"],
                  "positive": ["good bread for the money"]},
    },
    "general_topics": ["product_quality", "product_range", "price"],
    "geography": {"locale": "de_DE", "currency": "EUR", "phone": {"format": "030 {line}", "area": [0, 1], "line": [1000, 9999]},
                  "regions": {"Nord": ["Hamburg", "Bremen"], "Sued": ["Bayern"]}, "email_domains": ["example.de"]},
}


def _new_case(folder: Path) -> Path:
    """A bakery case written as only a folder with a world.yaml (built from the retailer's)."""
    from importlib.resources import files

    raw = yaml.safe_load(files("crmkit._case_studies").joinpath("retailer", "world.yaml").read_text(encoding="utf-8"))
    raw.update(name="bakery", title="A small bakery", words=NEW_CASE_WORDS)
    for key in ("dataset", "levers", "sales", "partners", "staff"):
        raw.pop(key, None)
    (folder / "bakery").mkdir()
    path = folder / "bakery" / "world.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def test_a_new_case_needs_only_a_folder_and_speaks_its_own_words(tmp_path):
    world = ck.simulate(str(_new_case(tmp_path)), customers=400, seed=1, progress=False)
    surveys = world.tables["surveys"]
    general = surveys[surveys["topic"].astype(str).isin(["product_quality", "product_range", "price"])]
    said = " ".join(general["comment"].dropna().astype(str))
    assert _has(said, "sourdough") and _has(said, "croissants")
    retailer_own = [n for n in _nouns("retailer") if n not in " ".join(str(v) for v in NEW_CASE_WORDS.values())]
    assert not any(_has(said, n) for n in retailer_own)
    assert set(world.customers["region"]) <= {"Nord", "Sued"}
    assert world.customers["phone"].dropna().str.match(r"^030 \d{4}$").all()
    assert world.customers["email"].dropna().str.endswith("@example.de").all()


BAD_WORDS = [
    ({"comments": {"delivery": {"negative": [], "neutral": ["ok"], "positive": ["good"]}}}, "words.comments.delivery.negative"),
    ({"comments": {"parcels": {"negative": ["x"], "neutral": ["y"], "positive": ["z"]}}}, "parcels"),
    ({"general_topics": ["weather"]}, "weather"),
    ({"nouns": ["zeppelin"]}, "zeppelin"),
    ({"geography": {**NEW_CASE_WORDS["geography"], "locale": "xx_YY"}}, "xx_YY"),
    ({"geography": {**NEW_CASE_WORDS["geography"], "currency": "pounds"}}, "words.geography.currency"),
    ({"geography": {**NEW_CASE_WORDS["geography"], "phone": {"format": "0800", "area": [0, 1], "line": [1, 2]}}}, "words.geography.phone.format"),
    ({"geography": {**NEW_CASE_WORDS["geography"], "regions": {}}}, "words.geography.regions"),
    ({"sales_subjects": {"lead": {"call": ["Hi"]}, "deal": {"call": ["Hi"]}}}, "sales_subjects"),
    ({"colour": "blue"}, "words.colour"),
    ({"reasons": {"weather": "rain"}}, "weather"),
]


@pytest.mark.parametrize("words, expected", BAD_WORDS)
def test_bad_words_give_one_line_naming_the_field(words, expected):
    with pytest.raises(ConfigError) as info:
        load_config("retailer", words=words)
    message = str(info.value)
    assert expected in message and "\n" not in message


BAD_CASE_META = [
    ({"sources.systems": {}}, "sources.systems"),
    ({"sources.systems": {"web_shop": {"defects": {}, "channels": ["telepathy"]}}}, "telepathy"),
    ({"sources.systems": {"web_shop": {"defects": {}}, "call_centre": {"defects": {}, "channels": ["web"]}}}, "both capture channel 'web'"),
    ({"dataset": {"remark": "x" * 5, "customers": 0, "seed": 1}}, "dataset.customers"),
    ({"partners.items.0.region": "Atlantis"}, "region 'Atlantis' is not one of the world's regions"),
    ({"levers": {"remark": "x" * 5, "company": "Co", "order": 1, "switch_off": {"card": {}}}}, "names no setting"),
    ({"levers": {"remark": "x" * 5, "company": "Co", "order": 1, "switch_off": {"card": {"loyalty enabled": False}}}}, "dotted"),
]


@pytest.mark.parametrize("overrides, expected", BAD_CASE_META)
def test_bad_systems_datasets_and_levers_give_one_line(overrides, expected):
    with pytest.raises(ConfigError) as info:
        load_config("pschse", **overrides)
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_datasets_and_levers_come_from_the_cases():
    from crmkit.world.datasets import DATASETS

    assert DATASETS["tesco"] == {"case": "tesco", "customers": 1000, "seed": 95}
    assert set(DATASETS) == {c for c in ck.cases() if load_config(c).dataset is not None}
    assert load_config("harrahs").levers.switch_off["Total Rewards card"] == {"loyalty.enabled": False}
