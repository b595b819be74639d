"""Orders: the order fields, the rule file, the checks, the pure validation, the job and its reports."""
