"""Plain extraction logic (no Scrapy import), so it is unit-testable on saved pages."""
