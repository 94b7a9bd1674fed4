"""Scheduled monitoring (APScheduler 3), run as its own process: ``scf jobs run``."""
