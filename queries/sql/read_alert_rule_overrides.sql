-- The rules as last saved from the editor: the newest change of each rule.
SELECT rule, arg_max(new, changed_at) FROM alert_rule_change GROUP BY rule
