"""The API's schemas, one module per area (``parties``, ``markets``, ``network``, ``lending``,
``onboarding``, ``monitoring``, ``auth``) and the pieces they share (``common``: money as
decimal strings, the as-of query, a party reference)."""
