"""Test support for the ocmf tests."""
