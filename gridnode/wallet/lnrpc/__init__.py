"""Stubs generated from LND v0.21.2-beta's protos by scripts/gen_lnd_protos. Do not edit."""
