"""markwatch's spiders: ``schemaorg`` (any shop), ``html`` (config-driven server-rendered
platforms), ``rendered`` (JavaScript storefronts through Chromium) and ``api`` (JSON APIs)."""
