-- The world as a star schema: facts (what happened, one row per event, with numbers to
-- add up) around dimensions (who, what, when, which campaign: the things to group by).
-- Views, not copies: they read the observed tables the store already holds.
CREATE OR REPLACE VIEW dim_customer AS
SELECT customer_id, region, state, city, acquisition_source, loyalty_tier, signup_date, birth_year,
       email_opt_in, sms_opt_in, mail_opt_in
FROM customers;

CREATE OR REPLACE VIEW dim_product AS
SELECT product_id, sku, name, category, list_price, unit_cost FROM products;

CREATE OR REPLACE VIEW dim_campaign AS
SELECT campaign_id, name, objective, channel, start_date, end_date, fixed_cost, cost_per_contact FROM campaigns;

CREATE OR REPLACE VIEW dim_staff AS
SELECT staff_id, role, region FROM staff;

CREATE OR REPLACE VIEW dim_date AS
SELECT CAST(day AS DATE) AS date, year(day) AS year, quarter(day) AS quarter, month(day) AS month,
       dayname(day) AS weekday
FROM range((SELECT min(ordered_at)::DATE FROM orders), (SELECT max(ordered_at)::DATE + 1 FROM orders),
           INTERVAL 1 DAY) AS days(day);

CREATE OR REPLACE VIEW fact_orders AS
SELECT order_id, customer_id, CAST(ordered_at AS DATE) AS date, channel, campaign_id, item_count,
       gross_amount, discount_amount, net_amount
FROM orders;

CREATE OR REPLACE VIEW fact_order_lines AS
SELECT i.item_id, i.order_id, o.customer_id, i.product_id, CAST(o.ordered_at AS DATE) AS date, o.channel,
       o.campaign_id, i.quantity, i.line_amount
FROM order_items i JOIN orders o USING (order_id);

CREATE OR REPLACE VIEW fact_cases AS
SELECT case_id, customer_id, CAST(opened_at AS DATE) AS date, priority, origin, reason, is_complaint,
       first_contact_resolution, csat, owner_staff_id,
       epoch(closed_at - opened_at) / 86400 AS days_to_close
FROM cases;

CREATE OR REPLACE VIEW fact_surveys AS
SELECT survey_id, customer_id, CAST(responded_at AS DATE) AS date, kind, score FROM surveys;

CREATE OR REPLACE VIEW fact_campaign_contacts AS
SELECT member_id, campaign_id, customer_id, CAST(added_at AS DATE) AS date, in_control_group,
       responded_at IS NOT NULL AS responded, response_order_id
FROM campaign_members;

CREATE OR REPLACE VIEW fact_opportunities AS
SELECT opportunity_id, customer_id, owner_staff_id, CAST(created_at AS DATE) AS date, stage, amount,
       probability, close_date, is_closed, is_won
FROM opportunities;
