"""The offline HTML report: notebook set-up, execution, build cache, export, templates, benchmark."""
