"""What CRM covers, measured on a world: the office split is data, the people beyond the ERP and the
encyclopedia's four figures are counted from the world's rows, and the integration evidence
follows the segment strategy chose."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.analytics import crm_scope
from crmkit.analytics.crm_scope import (
    encyclopedia_measures, integration_evidence, office_split, office_tables, people_beyond_erp, targeted_customers,
)
from crmkit.analytics.service import DEFAULT_TARGET_DAYS
from crmkit.errors import ConfigError, DataError


@pytest.fixture(scope="module")
def world(make_world):
    return make_world("pschse", 1500, 4)


def test_every_table_of_a_world_has_exactly_one_office(world):
    split = office_split()
    assert sorted(split["table"]) == sorted(world.tables)
    assert split["table"].is_unique and set(split["office"]) <= set(crm_scope.OFFICES)
    assert {"orders", "invoices", "payments"} <= set(office_tables("back"))
    assert {"leads", "cases", "surveys", "interactions", "campaigns"} <= set(office_tables("front"))


def test_an_unknown_office_is_refused_with_the_allowed_ones():
    with pytest.raises(ConfigError, match="'erp'.*back"):
        office_tables("erp")


def test_a_bad_office_in_the_yaml_names_the_table(monkeypatch):
    monkeypatch.setattr(crm_scope, "_raw", lambda: {"offices": {"orders": ["erp", "x"]}, "encyclopedia": {}})
    with pytest.raises(DataError, match="offices.orders"):
        office_split()


def test_people_beyond_erp_are_counted_from_the_rows(world):
    counts = people_beyond_erp(world.tables).set_index("people")["count"]
    billed = set(world.orders.customer_id) | set(world.invoices.customer_id) | set(world.payments.customer_id) \
        | set(world.refunds.customer_id)
    assert counts["customers the ERP bills"] == len(billed & set(world.customers.customer_id))
    assert counts["customers who never bought"] == len(world.customers) - counts["customers the ERP bills"] > 0
    assert counts["leads that never became customers"] == (world.leads.status != "converted").sum() > 0


def test_a_refund_alone_makes_a_customer_known_to_the_erp():
    tables = {"customers": pd.DataFrame({"customer_id": [1, 2]}), "orders": pd.DataFrame({"customer_id": [1]}),
              "refunds": pd.DataFrame({"customer_id": [2]}),
              "leads": pd.DataFrame({"converted_customer_id": pd.array([None], dtype="Int64")})}
    assert people_beyond_erp(tables)["count"].tolist() == [2, 0, 1]


def test_the_encyclopedia_figures_follow_the_rows(world):
    measures = encyclopedia_measures(world.tables)
    closed = world.cases.dropna(subset=["closed_at"])
    assert measures["service_response"] == pytest.approx(((closed.closed_at - closed.opened_at).dt.total_seconds() / 86400).median())
    assert measures["service_centre"] == pytest.approx((world.cases.origin == "phone").mean())
    assert measures["online"] == pytest.approx(world.interactions.channel.isin(["web", "mobile_app", "email", "social"]).mean())
    contacts = world.campaign_members[~world.campaign_members.in_control_group].merge(world.campaigns, on="campaign_id")
    assert measures["one_to_one"] == pytest.approx(contacts.targeting_rule.isin(["best_customers", "at_risk"]).mean())
    assert all(0 < measures[key] < 1 for key in ("one_to_one", "online", "service_centre"))


def test_integration_evidence_follows_the_targeted_segment(world):
    evidence = integration_evidence(world.tables)
    segment = targeted_customers(world.tables)
    assert evidence.loc["segment", "customers"] == len(segment) > 0
    assert evidence.loc["all customers", "customers"] == len(world.customers)
    cases = world.cases[world.cases.customer_id.isin(segment)].dropna(subset=["closed_at"])
    in_time = (cases.closed_at - cases.opened_at).dt.total_seconds() / 86400 <= cases.priority.astype(str).map(DEFAULT_TARGET_DAYS)
    assert evidence.loc["segment", "within_target"] == pytest.approx(in_time.mean())
    chosen = world.customers[world.customers.customer_id.isin(segment)]
    assert evidence.loc["segment", "email_reachable"] == pytest.approx((chosen.email.notna() & chosen.email_opt_in).mean())


def test_the_control_group_is_not_in_the_segment(world):
    members = world.campaign_members.merge(world.campaigns[["campaign_id", "targeting_rule"]], on="campaign_id")
    only_control = set(members[members.in_control_group].customer_id) - set(members[~members.in_control_group].customer_id)
    assert only_control and not only_control & set(targeted_customers(world.tables))


def test_a_rule_no_campaign_uses_is_refused_with_the_rules_in_use(world):
    with pytest.raises(DataError, match="'vip'.*best_customers"):
        integration_evidence(world.tables, "vip")


def test_what_lesson_03_reads_about_the_people_beyond_the_erp(world):
    # "only about half of the customers have ever been billed; the leads that never became customers
    # are several times as many people again"
    counts = people_beyond_erp(world.tables).set_index("people")["count"]
    assert 0.4 < counts["customers the ERP bills"] / len(world.customers) < 0.65
    assert counts["leads that never became customers"] > 2 * counts["customers who never bought"]
