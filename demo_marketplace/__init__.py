"""The demo marketplace: three platforms on loopback serving a generated catalogue (docs/marketplace.md).

A room of its own, not part of the ground: it stands in for real platforms (a separate application
with its own web stack) and may import the ground only; it reads the demo register as data
(:mod:`register`), never the matcher's code.

How it is built, leaf first (no module imports one that imports it back; tests/test_layout.py):

- ``model``: platforms, ``Seller``, ``Entry`` and the broken-page constants;
- ``register``: reads a CONTRACTS §1 register file into ``markwatch.contracts.Register``;
- ``vocab``, ``places``, ``prices``, ``renderings``: plain data and the ways sellers write marks;
- ``sellers`` and ``context``: the shops and the declared ``CaseContext`` every case writer receives;
- ``cases_ordinary``/``cases_trademark``/``cases_origin``/``cases_special``: one function per case;
- ``generator`` mixes the cases, ``catalogue`` holds the result (its CLI in ``catalogue/__main__``);
- ``site`` (shared by the platform apps), ``bazaar``/``storefront``/``openmall``, ``server`` runs
  all three in one process (``__main__``), ``process`` starts that process for tests and benchmarks.
"""
