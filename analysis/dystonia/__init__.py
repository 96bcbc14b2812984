"""Dystonia's own analysis: literature reference, context, remission, UK counts, summary statistics."""
