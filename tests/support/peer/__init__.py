"""Test support for the peer tests."""
