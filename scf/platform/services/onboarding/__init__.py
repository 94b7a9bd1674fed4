"""Batch onboarding of suppliers, dealers and merchants from CSV or XLSX files.

``service.onboard`` is the use case; ``columns`` the template, ``reading`` the file,
``rows`` the row schema, ``upsert`` the writes, ``report`` the answer.
"""
