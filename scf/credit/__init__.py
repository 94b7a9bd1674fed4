"""Credit rules of the bank's SME policy, as pure functions over plain data.

Nothing here imports Flask, SQLAlchemy or networkx: the platform calls the rules,
the rules never call the platform. Every number comes from the dated policy files
in ``scf/credit/policy/``.
"""
