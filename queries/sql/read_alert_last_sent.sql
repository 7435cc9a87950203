-- When each group (rule, site) was last notified with success.
SELECT rule, site, max(sent_at) FROM alert_delivery WHERE outcome = 'ok' GROUP BY rule, site
