"""Parties (主体): finding them, their roles in the network, and their assessment on a date."""
