"""Monitoring: the alerts the scheduled jobs raise, and the people who work them."""
