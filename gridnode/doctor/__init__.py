"""``gridnode doctor``: an installation checked end to end, a line per check.

Each check is a small function over ports (:mod:`gridnode.doctor.ports`) that returns
:class:`~gridnode.doctor.model.Check` values, so it is tested with fakes; the real ports
(the RS-485 bus, LND, the status socket of a running node, a TLS probe) are made by
:mod:`gridnode.doctor.adapters`, and :mod:`gridnode.doctor.run` puts them together.
"""
