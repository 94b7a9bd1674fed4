"""Collateral: what backs a drawdown, warehouse receipts over their life, commodity prices."""
