"""Test support: fakes of the node's ports, factories and fixtures' helpers, typed and
checked like the package (scripts/typecheck).

Tests import from here (or get a fixture from a conftest), never from another test
module: tests/unit/test_suite_imports.py fails the suite when one does.

- time: ``clock`` (the virtual clock the unit tier steps instead of sleeping);
- ports: ``wallet`` and ``bolt11s`` (a Lightning network in process), ``ledger`` and
  ``ledger_sessions`` (SQLite ledgers, inline or threaded, some failing on cue),
  ``links`` (peer links in process), ``wire`` and ``relay`` (meters and relays),
  ``status_source`` (a node for the dashboard), ``macaroons``;
- assemblies: ``node`` (a seller and a buyer runtime trading in virtual time),
  ``node_config`` (settings files), ``recording_session`` (a runner over a session
  double), ``terms`` (the demo's terms);
- per area: ``trade/`` (the in-process world of two sessions, its oracle and
  strategies), ``ocmf/``, ``ui/``, ``peer/`` (a seller and buyers on loopback),
  ``sim_bus`` (simulated Modbus buses), ``regtest/`` (the regtest harness and a second
  LND client).
"""
