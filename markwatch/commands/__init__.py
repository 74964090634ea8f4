"""Sub-commands of the ``markwatch`` CLI, one module each (see :mod:`markwatch.cli`)."""
