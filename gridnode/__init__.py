"""gridnode: a peer-to-peer electricity trading node paid over the Lightning Network."""

__version__ = "0.1.0"
