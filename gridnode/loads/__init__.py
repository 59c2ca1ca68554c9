"""The load agent: switches smart loads by the buyer's live rate feed.

- :mod:`~gridnode.loads.settings`: loads.toml's typed settings (read by
  :mod:`gridnode.config.loads`, one sentence per bad field);
- :mod:`~gridnode.loads.plan`: the cheapest slots in the forecast for a daily need (pure);
- :mod:`~gridnode.loads.decide`: the decision core, clock passed in (pure);
- :mod:`~gridnode.loads.agent`: the asyncio runtime (feed, relays, fail-safe).
"""
