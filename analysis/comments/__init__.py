"""Reader comments and page text analysed: terms, people, numbers, sentiment, readability, feedback."""
