"""One answer for what is not there (*not found*), whatever the reason.

An object the asker may not see is reported in the very words used for one that does
not exist: one phrasing per kind, naming only what the asker typed (the id or code as
given), never another object's id or figure. Two answers that differ — "facility not
found: 284" for a hidden drawdown, "drawdown not found" for an absent one — would tell
that the object exists, and where (issue 12, finding 8).
"""

from __future__ import annotations

from scf.platform.errors import NotFound

NOT_FOUND = {
    "party": "未找到主体 (party not found)",
    "market": "未找到市场 (market not found)",
    "loan": "未找到贷款 (loan not found)",
    "facility": "未找到授信额度 (facility not found)",
    "drawdown": "未找到提款 (drawdown not found)",
    "programme": "未找到项目 (programme not found)",
    "warehouse_receipt": "未找到仓单 (warehouse receipt not found)",
    "relationship": "未找到关系 (relationship not found)",
    "onboarding_batch": "未找到导入批次 (onboarding batch not found)",
    "alert": "未找到预警 (alert not found)",
    "user": "未找到用户 (user not found)",
    "branch": "未找到分行 (branch not found)",
}


def not_found(kind: str, asked: object) -> NotFound:
    """The one answer for an object of ``kind`` that is absent or hidden from the asker:
    the same words either way, naming only what was asked (``asked``: the id or code as
    the asker gave it), so that the answer tells neither that it exists nor where."""
    return NotFound(f"{NOT_FOUND[kind]}: {asked}")
