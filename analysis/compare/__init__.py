"""The cross-page comparison: read many pages, one table, its charts and HTML page, benchmark."""
