"""Rep activity: every sales activity counted once, per rep and month."""


from crmkit.analytics import sales_reps

CUSTOMERS = 4000


def test_rep_activity_counts_every_sales_activity_once(make_world):
    w = make_world("pschse", CUSTOMERS, 1)
    table = sales_reps.rep_activity(w.activities, w.staff)
    sales_staff = w.staff[w.staff.role.astype(str).isin(sales_reps.SALES_ROLES)].staff_id
    sales_acts = w.activities[w.activities.staff_id.isin(sales_staff)]
    assert table.activities.sum() == len(sales_acts)
    assert table.done.sum() == (sales_acts.status == "done").sum()
    assert (table.done == table[["calls", "emails", "meetings", "tasks"]].sum(axis=1)).all()
    assert (table.activities == table.done + table.planned + table.cancelled).all()
    assert set(table.role.astype(str)) <= set(sales_reps.SALES_ROLES)
    assert len(sales_reps.rep_activity(w.activities, w.staff, roles=None)) > len(table)
