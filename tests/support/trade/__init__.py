"""Test support for the trade tests."""
