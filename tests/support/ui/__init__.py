"""Test support for the ui tests."""
