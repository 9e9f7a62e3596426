"""Operating the site: backups and restores, /healthz and /readyz, Prometheus metrics, JSON logs with request
ids, and the newsroom's audit log (docs/operations.md)."""
