"""markwatch: watch e-commerce platforms for listings that infringe protected marks."""

__version__ = "0.1.0"
