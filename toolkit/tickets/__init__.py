"""The `tickets` job: the live worklist of open service tickets against the call centre's standards."""
