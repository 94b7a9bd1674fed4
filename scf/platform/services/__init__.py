"""Use cases and read models, one sub-package per business area.

- ``parties``: finding firms, assessing them on a date, the party page's read models;
- ``markets``: markets (商圈) and the administrator's portal;
- ``network``: relationships, group exposure, guarantee circles, concentrations, stress;
- ``lending``: facilities, proposals and approval, drawdowns, loans and repayments;
- ``collateral``: pledged collateral's value, warehouse receipts, commodity prices;
- ``onboarding``: batch onboarding from CSV/XLSX files;
- ``monitoring``: alerts and their queue;
- ``admin``: users, branches, assignments, approval authority, the audit log, policy.

Commands (use cases) run in one unit of work (``unit_of_work``) and write the audit
log (``audit``); read models answer pages and the API. The API, the pages, the command
line and the jobs all call these; none of them holds a second copy of a rule. See
``docs/architecture.md``.
"""
