"""Prometheus metrics of a node, served by the standard client library (docs/metrics.md)."""
