"""Load and flood harnesses for measuring gridnode; not part of the node and not shipped.

scripts/bench_peer.py and the peer link's soak test (tests/integration/peer) import them
from here: the repository root is on ``sys.path`` for pytest (``pythonpath`` in
pyproject.toml) and the script puts it there itself. Nothing under gridnode/ imports this.
"""
