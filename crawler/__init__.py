"""markwatch's Scrapy project: spiders that turn platform pages into Listing items (CONTRACTS §2)."""
