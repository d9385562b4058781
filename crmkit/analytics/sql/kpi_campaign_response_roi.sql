-- Campaign response and ROI: contacts (members outside the control group), responders,
-- revenue of the response orders, cost (fixed plus per contact), ROI = (revenue - cost) / cost.
WITH contacts AS (
    SELECT campaign_id, count(*) FILTER (WHERE NOT in_control_group) AS contacts,
           count(*) FILTER (WHERE NOT in_control_group AND responded_at IS NOT NULL) AS responders
    FROM campaign_members GROUP BY campaign_id),
revenue AS (
    SELECT m.campaign_id, sum(o.net_amount) AS revenue
    FROM campaign_members m JOIN orders o ON o.order_id = m.response_order_id
    WHERE NOT m.in_control_group GROUP BY m.campaign_id),
costed AS (
    SELECT c.campaign_id, c.name, c.channel, k.contacts, k.responders, coalesce(r.revenue, 0) AS revenue,
           c.fixed_cost + c.cost_per_contact * k.contacts AS cost
    FROM campaigns c JOIN contacts k USING (campaign_id) LEFT JOIN revenue r USING (campaign_id))
SELECT campaign_id, name, channel, contacts, responders, responders / NULLIF(contacts, 0) AS response_rate,
       revenue, cost, (revenue - cost) / NULLIF(cost, 0) AS roi
FROM costed
ORDER BY campaign_id
