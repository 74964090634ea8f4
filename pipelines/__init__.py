"""Item pipelines run on every scraped listing, in ITEM_PIPELINES order (crawler/settings.py):
validate (contract check) → dedupe (once per URL, across resumes) → match (the matcher, later)."""
