"""Loan classification by days past due (五级分类) [DOMAIN §11] *(assumed, from the
regulator's 2023 rules)*: 正常 0; 关注 1–90; 次级 91–270; 可疑 271–360; 损失 > 360."""

from __future__ import annotations

from scf.credit.policy import Policy

CHINESE = {
    "normal": "正常",
    "special_mention": "关注",
    "substandard": "次级",
    "doubtful": "可疑",
    "loss": "损失",
}


def delinquency_class(days_past_due: int, policy: Policy) -> str:
    if days_past_due < 0:
        raise ValueError(f"逾期天数不能为负 (days past due negative: {days_past_due})")
    if days_past_due == 0:
        return "normal"
    if days_past_due <= int(policy.decimal("delinquency.special_mention_max_days")):
        return "special_mention"
    if days_past_due <= int(policy.decimal("delinquency.substandard_max_days")):
        return "substandard"
    if days_past_due <= int(policy.decimal("delinquency.doubtful_max_days")):
        return "doubtful"
    return "loss"
