"""A thin explorer over :func:`crmkit.analytics.customer_view`: one customer on one screen.

Pick an unprofitable buyer (or any customer) and see orders, service cases, campaigns,
loyalty, invoices and payments together, with the money that decides whether the customer
is worth keeping at today's terms.
"""

from __future__ import annotations

from crmkit.analytics.customer_view import customer_view, unprofitable_buyers
from crmkit.errors import ConfigError
from crmkit.explore._base import explorer

__all__ = ["draw_customer_view", "customer_view_explorer"]


def draw_customer_view(view, ax=None):
    """Draw one :class:`~crmkit.analytics.CustomerView` on a time line and return it.

    Orders are bars (their net amount); payments made late are red dots at their days late
    on a second scale; complaints are crosses on the axis. The title carries the headline.
    """
    from crmkit.plots._base import new_axes

    ax = new_axes(ax, (10, 3.2))
    orders, payments, cases = view.orders, view.payments, view.service
    ax.bar(orders["ordered_at"], orders["net_amount"], width=6, color="tab:blue", label="order (net amount)")
    complaints = cases[cases["is_complaint"].astype(bool)]
    ax.plot(complaints["opened_at"], [0] * len(complaints), "kx", markersize=9, label="complaint")
    ax.set_ylabel("order amount")
    late = payments[payments["days_late"] > 0]
    if len(late):
        days = ax.twinx()
        days.plot(late["paid_at"], late["days_late"], "o", color="tab:red", label="payment, days late")
        days.set_ylabel("days late", color="tab:red")
    head = view.summary()
    ax.set_title(f"customer {view.customer_id}: {int(head['orders'])} orders, {int(head['complaints'])} complaints, "
                 f"{int(head['paid late'])} payments late, written off {head['written off']:.0f}; "
                 f"cost to serve {head['cost to serve']:.0f}, contribution {head['contribution']:.0f}", fontsize=9)
    ax.legend(loc="upper left", fontsize=8)
    return view


def customer_view_explorer(world, number: int = 1):
    """Step through the world's unprofitable buyers, least profitable first; ``widget.result``
    is the :class:`~crmkit.analytics.CustomerView` shown."""
    import ipywidgets as widgets

    lost = unprofitable_buyers(world.customer_costs)
    if lost.empty:
        raise ConfigError("customer_view_explorer: every buyer of this world is profitable; nothing to step through")

    def draw(ax, number):
        row = lost.iloc[(number - 1) % len(lost)]
        return draw_customer_view(customer_view(world, int(row["customer_id"])), ax=ax)

    return explorer(draw, figsize=(10, 3.2),
                    number=widgets.IntSlider(value=number, min=1, max=max(len(lost), 1), description="buyer no."))
