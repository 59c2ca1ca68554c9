"""Test support: fakes of the node's ports, factories and fixtures, typed like the package.

Tests import from here (or get it from a conftest fixture), never from another test module.
"""
