"""Cross-cutting concerns, each in one place: config, auth, tenancy, errors, sessions, limits, paging."""
