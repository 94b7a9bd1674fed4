"""Markets (商圈) and what their administrator sees of them (the portal)."""
