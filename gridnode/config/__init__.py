"""The one configuration package: every file gridnode reads is read here.

- :mod:`~gridnode.config.reader`: the reader (a TOML table read field by field, every
  mistake one sentence, unknown keys refused) and ``GRIDNODE_`` environment overrides;
- :mod:`~gridnode.config.units`: the one set of unit parsers (seconds, milli-units,
  times of day, weekdays);
- :mod:`~gridnode.config.settings`: a node's typed settings per role
  (:func:`~gridnode.config.settings.load_settings`), with the readers of its tables in
  ``hardware``, ``lnd``, ``peers``, ``trade``, ``limits``, ``profiles``, ``link`` and
  ``ratefeed``, and the checks across them in ``checks``;
- :mod:`~gridnode.config.loads`: the load agent's loads.toml;
- :mod:`~gridnode.config.battery` and :mod:`~gridnode.config.pv`: a battery node's
  ``[battery]`` and a prosumer's ``[pv]`` (issue 22, docs/battery.md);
- :mod:`~gridnode.config.examples`: the commented examples ``gridnode init`` writes.

Nothing is imported here, so that reading the examples pulls in no reader.
"""
