"""The engine names no channel, interaction kind or source: a case declares its own.

Each case may declare its channels, order channels, interaction kinds, acquisition, campaign
and lead sources, deal kinds and source systems in the ``codes:`` section of its world.yaml
(see :mod:`crmkit.world.channel_codes`); what the engine does with them (the channel of a
sign-up, the browsing an online order leaves, the channel of an event's orders...) is data,
``mappings`` and ``channel_roles`` in ``crmkit/world/data/words.yaml`` unless the case
declares its own. A bakery written in a tmp folder sells at its market stall and counter,
and its tables hold only its own codes.
"""

from __future__ import annotations

import ast
import copy
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

import crmkit as ck
from crmkit.errors import ConfigError
from crmkit.world.cases import load_config
from crmkit.world.channel_codes import CHANNEL_LISTS
from crmkit.world.codes import SERVICE_LISTS
from crmkit.world.vocabulary import terms
from tests.world.test_case_codes import BAKERY_CODES, BAKERY_WORDS

ENGINE = Path(ck.__file__).parent / "world"
# Codes of the kit's channel lists that are also codes of a list every world shares, which
# the engine names for what they are there (and 'email' is a column): the scan leaves them out.
SHARED = {"email": ("activity_kind", "case_origin"), "purchase": ("ledger_reason",)}
CHANNEL_CODES = set().union(*(terms(v) for v in CHANNEL_LISTS)) - set(SHARED)


@pytest.mark.parametrize("code, lists", SHARED.items())
def test_the_scan_leaves_out_only_words_of_a_list_every_world_shares(code, lists):
    assert all(code in terms(v) and v not in CHANNEL_LISTS + SERVICE_LISTS for v in lists)


def channel_codes_named(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted((n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in CHANNEL_CODES)


@pytest.mark.parametrize("module", sorted(p.relative_to(ENGINE).as_posix() for p in ENGINE.rglob("*.py")))
def test_engine_code_names_no_channel_kind_or_source(module):
    named = channel_codes_named(ENGINE / module)
    assert named == [], f"crmkit/world/{module} names codes {named}: give them a role in data/words.yaml (mappings or channel_roles)"


def test_the_channel_scan_finds_a_code(tmp_path):
    code = tmp_path / "m.py"
    code.write_text('event = code_of("order_channel", "home_sales_event")\nkinds = ["app_session"]\n')
    assert channel_codes_named(code) == [(1, "home_sales_event"), (2, "app_session")]


# The bakery's own channels: it sells over the counter, at a market stall, on its site and by phone.
CHANNELS = {
    "channel": ["counter", "market_stall", "bakery_site", "phone_line", "newsletter", "flyer", "instagram"],
    "order_channel": ["counter", "market_stall", "bakery_site", "phone_line"],
    "interaction_kind": ["browse", "first_visit", "sale", "stall_visit", "newsletter_sent", "newsletter_opened",
                         "newsletter_clicked", "flyer_received", "post_liked", "call", "tasting_card", "card_stamped"],
    "acquisition_source": ["passing_trade", "market_day", "word_of_mouth", "search"],
    "campaign_channel": ["newsletter", "flyer", "instagram"],
    "lead_source": ["cafe_enquiry", "caterer_referral"],
    "opportunity_kind": ["wholesale_order"],
    "source_system": ["till", "web_orders", "phone_book"],
    "channel_of_source": {"passing_trade": "counter", "market_day": "market_stall", "word_of_mouth": "counter", "search": "bakery_site"},
    "channel_of_order_channel": {c: c for c in ["counter", "market_stall", "bakery_site", "phone_line"]},
    "channel_of_campaign_channel": {c: c for c in ["newsletter", "flyer", "instagram"]},
    "contact_kind": {"newsletter": "newsletter_sent", "flyer": "flyer_received", "instagram": "post_liked"},
    "order_channel_of_campaign": {"newsletter": "bakery_site", "flyer": "counter", "instagram": "bakery_site"},
    "browse_kind": {"bakery_site": "browse"},
    "consent_of_campaign_channel": {"newsletter": "email_opt_in", "flyer": "mail_opt_in"},
}
ROLES = {
    "visit": {"channel": "bakery_site", "kind": "browse"}, "signup_kind": "first_visit", "purchase_kind": "sale",
    "event_order_channel": "market_stall", "attendance_kind": "stall_visit",
    "registration": {"channel": "counter", "kind": "tasting_card"}, "service_kind": "call",
    "phone_channel": "phone_line", "written_channel": "bakery_site", "deal_order_channel": "phone_line",
    "enrolment": {"channel": "counter", "kind": "card_stamped"}, "on_social": {"channel": "instagram", "kind": "post_liked"},
    "company_kinds": ["newsletter_sent", "flyer_received"], "email_campaign_channel": "newsletter",
    "opened_kind": "newsletter_opened", "clicked_kind": "newsletter_clicked",
}


def _write(folder: Path, raw: dict) -> Path:
    (folder / "bakery").mkdir(exist_ok=True)
    path = folder / "bakery" / "world.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def bakery_raw() -> dict:
    """The retailer's world.yaml with the bakery's own codes, channels and sources, and nothing else changed."""
    raw = yaml.safe_load(files("crmkit._case_studies").joinpath("retailer", "world.yaml").read_text(encoding="utf-8"))
    raw.update(name="bakery", title="A bakery with a market stall", words=BAKERY_WORDS,
               codes=copy.deepcopy({**BAKERY_CODES, **CHANNELS, "roles": {**BAKERY_CODES["roles"], **ROLES}}))
    for key in ("dataset", "levers", "partners", "realism"):
        raw.pop(key, None)
    raw["service"]["issue_mix"] = {"stale_bread": 0.7, "late_van": 0.3}
    raw["service_desk"]["requests"]["reasons"] = {"allergen_question": 0.4, "standing_order_change": 0.6}
    raw["finance"]["returns"]["rate"] = {"none": 0.02, "stale_bread": 0.5, "late_van": 0.2}
    mixes = [({"counter": 0.6, "market_stall": 0.2, "bakery_site": 0.15, "phone_line": 0.05}, {"passing_trade": 0.7, "market_day": 0.3}),
             ({"bakery_site": 0.6, "market_stall": 0.3, "counter": 0.1}, {"search": 0.6, "word_of_mouth": 0.4})]
    for i, persona in enumerate(raw["personas"].values()):
        persona["channel_mix"], persona["acquisition_mix"] = mixes[i % 2]
    raw["acquisition"]["paid_sources"] = ["search"]
    channels = ["newsletter", "instagram", "flyer"]
    for i, campaign in enumerate(raw["campaigns"]["plan"]):
        campaign["channel"] = channels[i % 3]
        if campaign.get("sources"):
            campaign["sources"] = ["market_day"]
    billing = raw["finance"]["billing"]
    raw["finance"]["billing"] = {"counter": billing["point_of_sale"], "market_stall": billing["home_sales_event"],
                                 "bakery_site": billing["web"], "phone_line": billing["call_centre"]}
    raw["finance"]["unit_costs"]["delivery"] = {"bakery_site": 3.5, "phone_line": 4.0}
    leads = raw["sales"]["leads"]["sources"]
    raw["sales"]["leads"]["sources"] = {"cafe_enquiry": {**leads["web_form"], "acquisition_sources": ["search"]},
                                        "caterer_referral": {**leads["referral"], "acquisition_sources": ["word_of_mouth"]}}
    kind = raw["sales"]["opportunities"]["kinds"]["bulk_order"]
    raw["sales"]["opportunities"]["kinds"] = {"wholesale_order": {**kind, "label": "Wholesale bread", "personas": []}}
    systems = raw["sources"]["systems"]  # the retailer's defect rates, for the bakery's own systems
    raw["sources"]["systems"] = {"till": {**systems["pos_loyalty"], "channels": ["counter", "market_stall"], "key_prefix": "TILL-"},
                                 "web_orders": {**systems["web_shop"], "channels": ["bakery_site"], "key_prefix": "WEB-"},
                                 "phone_book": {**systems["call_centre"], "channels": ["phone_line"], "key_prefix": "TEL-"}}
    return raw


@pytest.fixture(scope="module")
def bakery(tmp_path_factory):
    path = _write(tmp_path_factory.mktemp("cases"), bakery_raw())
    return ck.simulate(str(path), customers=600, seed=5, progress=False)


# Each table column that holds one of these codes, and the list it comes from.
COLUMNS = [("orders", "channel", "order_channel"), ("interactions", "channel", "channel"),
           ("interactions", "kind", "interaction_kind"), ("customers", "acquisition_source", "acquisition_source"),
           ("campaigns", "channel", "campaign_channel"), ("leads", "lead_source", "lead_source"),
           ("opportunities", "kind", "opportunity_kind"), ("source_records", "source_system", "source_system")]


@pytest.mark.parametrize("table, column, codes", COLUMNS)
def test_a_new_case_with_its_own_channels_has_only_those_in_its_tables(bakery, table, column, codes):
    values = bakery.tables[table][column]
    assert list(values.cat.categories) == CHANNELS[codes]  # the world's own list, in its order
    seen = set(values.dropna().astype(str))
    assert seen and seen <= set(CHANNELS[codes])


def test_each_role_of_the_bakery_is_played_by_its_own_codes(bakery):
    inter, orders = bakery.tables["interactions"], bakery.tables["orders"]
    pairs = set(zip(inter["channel"].astype(str), inter["kind"].astype(str)))
    assert {("market_stall", "stall_visit"), ("bakery_site", "browse"), ("counter", "card_stamped"),
            ("newsletter", "newsletter_opened"), ("phone_line", "call")} <= pairs
    assert set(orders["channel"].astype(str)) == set(CHANNELS["order_channel"])  # each channel sells, the phone too
    stall_orders = orders.loc[orders["channel"] == "market_stall", "order_id"]
    attended = inter.loc[inter["kind"] == "stall_visit", "order_id"]
    assert len(stall_orders) and set(attended) <= set(stall_orders)  # only a stall's orders leave an attendance
    deal_orders = orders[orders["opportunity_id"] >= 0]
    assert len(deal_orders) and set(deal_orders["channel"].astype(str)) == {"phone_line"}  # the deal_order_channel role
    assert set(bakery.tables["source_records"]["source_key"].str[:4]) <= {"TILL", "WEB-", "TEL-"}


def test_the_bakery_is_consistent_and_loads_back_with_its_channels(bakery, tmp_path):
    from crmkit.world.validate import check_world

    assert check_world(bakery) == []
    for fmt, name in (("csv", "w"), ("sqlite", "w.db")):
        loaded = ck.load_world(bakery.save(tmp_path / name, format=fmt))
        for table, column, codes in COLUMNS:
            assert list(loaded.tables[table][column].cat.categories) == CHANNELS[codes]
            assert loaded.tables[table][column].equals(bakery.tables[table][column]), (fmt, table, column)


BAD = [  # (change to the bakery's raw world.yaml, the setting and value the message must name, and an allowed code)
    (lambda r: r["codes"]["roles"].update(event_order_channel="home_sales_event"),
     ["codes.roles.event_order_channel", "'home_sales_event'", "counter, market_stall"]),
    (lambda r: r["codes"]["roles"].update(visit={"channel": "bakery_site", "kind": "site_visit"}),
     ["codes.roles.visit.kind", "'site_visit'", "browse"]),
    (lambda r: r["codes"]["browse_kind"].update(web="browse"), ["codes.browse_kind", "'web'", "bakery_site"]),
    (lambda r: r["codes"]["channel_of_source"].pop("search"), ["codes.channel_of_source", "'search'"]),
    (lambda r: r["codes"]["consent_of_campaign_channel"].update(flyer="pigeon_opt_in"), ["codes.consent_of_campaign_channel", "'pigeon_opt_in'", "sms_opt_in"]),
    (lambda r: r["codes"].update(order_channel=["counter", "counter"]), ["codes.order_channel", "'counter' twice"]),
    (lambda r: next(iter(r["personas"].values()))["channel_mix"].update(web=0.1), ["channel_mix has key 'web'", "market_stall"]),
    (lambda r: r["campaigns"]["plan"][0].update(channel="email"), ["campaigns.plan.0.channel", "'email'", "newsletter, flyer"]),
    (lambda r: r["acquisition"].update(paid_sources=["social_ad"]), ["acquisition.paid_sources", "'social_ad'", "passing_trade"]),
    (lambda r: r["finance"]["billing"].pop("phone_line"), ["finance.billing lacks channel 'phone_line'"]),
    (lambda r: r["sales"]["opportunities"]["kinds"]["wholesale_order"].update(order_channel="call_centre"),
     ["sales.opportunities.kinds.wholesale_order.order_channel", "'call_centre'", "phone_line"]),
    (lambda r: r["sources"]["systems"]["till"].update(channels=["point_of_sale"]), ["sources.systems.till.channels", "'point_of_sale'", "counter"]),
    (lambda r: r["sources"]["systems"]["till"].pop("key_prefix"), ["sources.systems.till needs channels and key_prefix"]),
]


@pytest.mark.parametrize("change, needles", BAD)
def test_a_role_mapping_or_setting_naming_an_unknown_channel_gets_one_line_naming_it(tmp_path, change, needles):
    raw = bakery_raw()
    change(raw)
    with pytest.raises(ConfigError) as info:
        load_config(str(_write(tmp_path, raw)))
    message = str(info.value)
    assert "\n" not in message and all(n in message for n in needles), message


def test_a_case_with_its_own_channels_must_declare_their_roles(tmp_path):
    """The kit's roles name the kit's channels: a case with other channels is told which role to declare."""
    raw = bakery_raw()
    raw["codes"]["roles"] = BAKERY_CODES["roles"]  # the bakery's topics and reasons, the kit's channel roles
    with pytest.raises(ConfigError, match=r"codes.roles.visit.channel has 'web', not one of the world's channel codes"):
        load_config(str(_write(tmp_path, raw)))


@pytest.mark.parametrize("case", ck.cases())
def test_every_shipped_case_keeps_the_kits_channel_lists_in_their_order(case):
    codes = load_config(case).codes
    assert all(tuple(getattr(codes, name)) == terms(name) for name in CHANNEL_LISTS)  # so no shipped world moves


def test_a_case_without_events_or_opened_messages_leaves_none(tmp_path):
    """A world whose roles name no event order channel and no opened campaign channel has no
    attendances, no after-event surveys and no opens or clicks."""
    raw = bakery_raw()
    raw["codes"]["roles"].update(event_order_channel=None, attendance_kind=None, email_campaign_channel=None)
    world = ck.simulate(str(_write(tmp_path, raw)), customers=300, seed=5, progress=False)
    kinds = set(world.tables["interactions"]["kind"].astype(str))
    assert "sale" in kinds and not kinds & {"stall_visit", "newsletter_opened", "newsletter_clicked"}
    assert (world.tables["orders"]["channel"] == "market_stall").any()  # the stall still sells
    assert not (world.tables["surveys"]["trigger"] == "after_event").any()
    assert (world.tables["campaign_members"]["status"].astype(str).isin(["opened", "clicked"])).sum() == 0
