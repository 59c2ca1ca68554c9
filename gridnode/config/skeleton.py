"""A new node's folder: its identity and the commented configuration to fill in.

``gridnode init`` makes both. The identity (:mod:`gridnode.identity`) is keys and
certificates only and sits below the configuration; the file a new node starts from is
the config package's example with its pairing left to fill in
(:func:`gridnode.config.examples.for_init`), so the two meet here, above both.
"""

from __future__ import annotations

from pathlib import Path

from gridnode.config.examples import for_init
from gridnode.identity import NodeIdentity, Role, create_identity, write_private


def init_node(directory: Path, role: Role, *, force: bool = False) -> NodeIdentity:
    """Make the node's key and certificate in ``directory`` (refused over an existing
    identity unless ``force``, see :func:`~gridnode.identity.create_identity`) and write
    its ``gridnode.toml`` skeleton, mode 0600, when there is none: ``force`` replaces the
    key but never a configuration that already pins peers."""
    identity = create_identity(directory, role, force=force)
    if not identity.config_path.exists():
        write_private(identity.config_path, for_init(role.value).encode())
    return identity
