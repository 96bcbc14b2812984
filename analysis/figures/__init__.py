"""Charts and published tables: the one plotly theme, chart building blocks, the page's charts."""
