"""Fault drills: a trading demo under faults, and the checks that nothing was lost.

Used by ``scripts/drill.py`` (the full drill, docs/drill.json), ``scripts/soak.py`` (the
hour-long soak, docs/soak.json) and the regtest tier's short drill
(``tests/regtest/test_drill.py``). Nothing here ships in the package.
"""
