"""Profiles are data: shipped maps load, bad ones fail with a sentence naming the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gridnode.hardware.errors import ProfileError
from gridnode.hardware.profile import builtin_models, load_profile


def test_shipped_models() -> None:
    assert {"sdm120", "sdm630"} <= set(builtin_models())


def test_block_reads_only_span_contiguous_registers() -> None:
    assert [(b.address, b.count) for b in load_profile("sdm120").blocks()] == [
        (0, 2),
        (6, 2),
        (12, 2),
        (70, 6),
    ]
    assert [(b.address, b.count) for b in load_profile("sdm630").blocks()] == [
        (0, 18),
        (52, 2),
        (70, 6),
        (224, 2),  # the neutral's current
        (346, 6),  # the import energy of each phase
    ]


def test_unknown_model_is_a_usage_error_naming_the_choices() -> None:
    with pytest.raises(ProfileError, match="sdm120") as info:
        load_profile("sdm999")
    assert info.value.exit_code == 2


def test_a_profile_file_with_a_bad_unit_names_the_field(tmp_path: Path) -> None:
    doc = json.loads((Path(__file__).parents[3] / "hardware/profiles/sdm120.json").read_text())
    doc["registers"][0]["unit"] = "kV"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ProfileError, match="voltage cannot be given in 'kV'"):
        load_profile(str(path))


def test_a_register_mapped_twice_is_refused(tmp_path: Path) -> None:
    doc = json.loads((Path(__file__).parents[3] / "hardware/profiles/sdm120.json").read_text())
    doc["registers"].append(dict(doc["registers"][0], address=100))
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ProfileError, match="mapped twice"):
        load_profile(str(path))


def test_max_block_length_splits_long_runs(tmp_path: Path) -> None:
    doc = json.loads((Path(__file__).parents[3] / "hardware/profiles/sdm630.json").read_text())
    doc["max_registers_per_read"] = 6
    path = tmp_path / "short.json"
    path.write_text(json.dumps(doc))
    blocks = load_profile(str(path)).blocks()
    assert all(b.count <= 6 for b in blocks)
    assert [(b.address, b.count) for b in blocks][:3] == [(0, 6), (6, 6), (12, 6)]
