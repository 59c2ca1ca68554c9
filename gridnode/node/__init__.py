"""The node runtime: settings, daemons, ledger wiring, status interface."""
