"""The demo marketplace: three platforms on loopback serving a generated catalogue (docs/marketplace.md).

``catalogue`` generates listings with ground truth, ``bazaar``/``storefront``/``openmall`` serve them,
``server`` runs all three in one process, ``process`` starts that process for tests and benchmarks.
"""
