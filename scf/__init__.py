"""scf: supply-chain and commerce-circle SME credit platform.

Layers, dependencies pointing inward only:
``scf.credit`` (pure rules) <- ``scf.graph`` (pure network computations)
<- ``scf.platform`` (Flask, SQLAlchemy) and ``scf.jobs`` (APScheduler).
"""
