"""Use cases: plain arguments in, one unit of work, domain rules called, audit written.

The API, the pages, the command line and the jobs all call these; none of them
holds a second copy of a rule.
"""
