-- Revenue by segment (loyalty tier) and order channel: orders, buyers, revenue.
SELECT c.loyalty_tier AS segment, o.channel, count(*) AS orders, count(DISTINCT o.customer_id) AS buyers,
       sum(o.net_amount) AS revenue
FROM orders o JOIN customers c USING (customer_id)
GROUP BY c.loyalty_tier, o.channel
ORDER BY segment, channel
