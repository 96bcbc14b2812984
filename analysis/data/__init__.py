"""The page's tables: pandera schemas, extraction to CSV, loading, the data dictionary, number wording."""
