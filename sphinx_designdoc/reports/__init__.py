"""Report writers.  Each module turns the ``designdoc.json`` report dict into a format."""
