"""Authentication (who you are) and authorization (what you may see), each in one place."""
