"""The demo: loading the seed network (``seed/data``) into a database. Not a product path."""
