"""Test support for the regtest tests."""
