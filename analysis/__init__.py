"""dystonia-facts: validated tables, charts and statistics from a saved NHS Choices page."""
