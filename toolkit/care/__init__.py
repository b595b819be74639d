"""The `account_care` job: key accounts contacted as often as their revenue tier says (客户维护)."""
