"""The demo, not a product path: loading the seed network (``seed/data``) into a database
(``seed_loader``), and the small lending world tests and benchmarks build
(``lending_world``). Of the product, only the ``scf demo`` and ``scf seed`` commands
import it."""
