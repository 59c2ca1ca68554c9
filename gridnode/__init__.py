"""gridnode: a peer-to-peer electricity trading node paid over the Lightning Network."""

from gridnode.version import __version__

__all__ = ["__version__"]
