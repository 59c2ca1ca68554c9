"""The ``gridnode`` command line: one module per command group, parsing only."""
