"""Lending: facilities (proposal, approval, status), drawdowns, loans and repayments."""
