"""`gridnode demo --sellers/--fail-seller`: a wrong combination is bad usage (exit 2, a
sentence with the fix) before anything starts."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gridnode.cli.main import cli


@pytest.mark.parametrize(
    ("args", "fix"),
    [
        (["--fail-seller", "1:120"], "--fail-seller needs --sellers 2 or more"),
        (["--sellers", "2", "--fail-seller", "2"], "N:SECONDS with N from 1 to 2"),
        (["--sellers", "2", "--sag", "1:2:0.8"], "--sag cannot be used with --sellers 2"),
    ],
)
def test_a_wrong_estate_demo_is_refused_before_it_starts(args: list[str], fix: str) -> None:
    result = CliRunner().invoke(cli, ["demo", "--json", *args])
    assert result.exit_code == 2, result.output
    assert fix in result.output
