"""Batch onboarding of suppliers, dealers and merchants from CSV or XLSX files.

The command is ``batches.onboard`` (one use case, one unit of work); ``queries`` holds
what pages, the API and the command line read (batches, targets, a batch's summary).
Behind the command: ``anchor`` (what a file is for), ``columns`` (the template),
``reading`` (the file), ``rows`` (the row schema), ``upsert`` (the writes) and
``report`` (the answer).
"""
