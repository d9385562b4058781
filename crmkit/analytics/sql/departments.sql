-- Each department's view of the central store: what it needs, nothing more.
CREATE OR REPLACE VIEW marketing_view AS
SELECT c.customer_id, c.region, c.acquisition_source, c.loyalty_tier, c.email_opt_in, c.sms_opt_in, c.mail_opt_in
FROM customers c;

CREATE OR REPLACE VIEW sales_view AS
SELECT o.opportunity_id, o.customer_id, o.stage, o.amount, o.close_date, o.owner_staff_id
FROM opportunities o WHERE NOT o.is_closed;

CREATE OR REPLACE VIEW service_view AS
SELECT k.case_id, k.customer_id, k.reason, k.priority, k.opened_at, k.is_complaint
FROM cases k WHERE k.closed_at IS NULL;
