"""Fuzzing what the node runs on bytes from outside: the link's frame decoder, the trade
codec, the OCMF parser and the receipt verifier (docs/fuzz.md).

:mod:`bench.fuzz.targets` holds the four targets and the typed errors each may raise;
:mod:`bench.fuzz.corpus` their valid seed inputs, taken from a real demo receipt;
:mod:`bench.fuzz.mutate` the mutations (bytes, and JSON trees for the text formats);
:mod:`bench.fuzz.engine` runs a target over inputs and tallies what came out.
``scripts/fuzz.py`` drives a run (atheris when installed, else the built-in mutator) and
writes its JSON; ``tests/unit/test_fuzz.py`` runs a CI-sized one. Nothing under
gridnode/ imports this.
"""
