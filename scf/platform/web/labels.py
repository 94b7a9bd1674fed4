"""What the pages call the platform's codes, in the reader's language.

Code, API and database use one English name per concept (``key_supported``,
``market_administrator``); a credit reviewer reads 重点支持, 市场管理方. This is the
one table from code to label, used by every template through ``label(kind, code)``;
an unknown code is shown as it is rather than hidden.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

LABELS: dict[str, dict[str, LazyString]] = {
    "user_role": {
        "admin": _l("系统管理员"),
        "risk_officer": _l("风险经理"),
        "relationship_manager": _l("客户经理"),
        "market_administrator": _l("市场管理方"),
    },
    "party_role": {
        "core_enterprise": _l("核心企业"),
        "supplier": _l("上游供应商"),
        "dealer": _l("下游经销商"),
        "merchant": _l("商户"),
        "market_administrator": _l("市场管理方"),
        "joint_guarantee_member": _l("联保体成员"),
        "individual_business": _l("个体工商户"),
        "person": _l("自然人"),
        "guarantee_company": _l("专业担保公司"),
        "warehouse_supervisor": _l("仓储监管机构"),
    },
    "party_kind": {
        "enterprise": _l("企业"),
        "individual_business": _l("个体工商户"),
        "person": _l("自然人"),
        "guarantee_company": _l("专业担保公司"),
        "warehouse_supervisor": _l("仓储监管机构"),
    },
    "industry": {
        "agriculture": _l("农、林、牧、渔业"),
        "mining": _l("采矿业"),
        "coal_mining": _l("煤炭开采和洗选业"),
        "manufacturing": _l("制造业"),
        "utilities": _l("电力、热力、燃气及水生产和供应业"),
        "construction": _l("建筑业"),
        "wholesale": _l("批发业"),
        "retail": _l("零售业"),
        "transport": _l("交通运输业"),
        "warehousing": _l("仓储业"),
        "postal": _l("邮政业"),
        "accommodation": _l("住宿业"),
        "catering": _l("餐饮业"),
        "information_transmission": _l("信息传输业"),
        "software_it": _l("软件和信息技术服务业"),
        "real_estate_development": _l("房地产开发经营"),
        "property_management": _l("物业管理"),
        "leasing_business_services": _l("租赁和商务服务业"),
        "other": _l("其他未列明行业"),
    },
    "relationship": {
        "supplies_to": _l("供货给"),
        "distributes_for": _l("经销"),
        "member_of_market": _l("入驻市场"),
        "administers": _l("管理市场"),
        "member_of_group": _l("联保体"),
        "guarantees": _l("为其担保"),
        "controls": _l("实际控制"),
        "holds_shares": _l("持股"),
        "supervises": _l("监管"),
        "legal_representative_of": _l("任法定代表人"),
        "spouse_of": _l("配偶"),
        "buyback_for": _l("为其回购担保"),
    },
    "relationship_inverse": {
        "supplies_to": _l("供应商"),
        "distributes_for": _l("经销商"),
        "guarantees": _l("担保人"),
        "controls": _l("实际控制人"),
        "holds_shares": _l("股东"),
        "supervises": _l("监管方"),
        "legal_representative_of": _l("法定代表人"),
        "spouse_of": _l("配偶"),
        "buyback_for": _l("回购方"),
    },
    "decision": {
        "eligible": _l("准入"),
        "refer": _l("提交审查"),
        "ineligible": _l("不予准入"),
    },
    "tier": {
        "key_supported": _l("重点支持"),
        "normal": _l("一般支持"),
        "cautious": _l("谨慎支持"),
        "prohibited": _l("禁止介入"),
    },
    "size_class": {
        "large": _l("大型"),
        "medium": _l("中型"),
        "small": _l("小型"),
        "micro": _l("微型"),
    },
    "rule_result": {
        "pass": _l("通过"),
        "fail": _l("未通过"),
        "refer": _l("需审查"),
    },
    "delinquency_class": {
        "normal": _l("正常"),
        "special_mention": _l("关注"),
        "substandard": _l("次级"),
        "doubtful": _l("可疑"),
        "loss": _l("损失"),
    },
    "market_stage": {
        "pioneering": _l("起步期"),
        "fast_growing": _l("快速成长期"),
        "mature": _l("成熟期"),
    },
    "market_kind": {
        "professional_market": _l("专业市场"),
        "mall": _l("商场"),
        "street": _l("商业街"),
        "trade_association": _l("商会/协会"),
    },
    "product": {
        "receivable_pledge": _l("账易贷（应收账款质押）"),
        "factoring": _l("保理"),
        "goods_pledge": _l("动产/仓单质押"),
        "confirmed_warehouse": _l("保兑仓"),
        "joint_guarantee": _l("联保贷"),
        "credit": _l("信用贷"),
        "revolving": _l("循环贷"),
        "mortgage": _l("房易贷"),
    },
    "loan_status": {
        "pending": _l("待放款"),
        "active": _l("存续"),
        "repaid": _l("已结清"),
        "written_off": _l("已核销"),
    },
    "policy_family": {
        "admission": _l("准入"),
        "coal": _l("煤炭行业"),
        "goods": _l("动产与仓单质押"),
        "guarantees": _l("担保与抵质押"),
        "joint_guarantee": _l("联保"),
        "limits": _l("限额"),
        "pricing": _l("定价"),
        "rating": _l("内部评级"),
        "receivables": _l("应收账款"),
        "schedules": _l("还款与逾期"),
        "tiers": _l("客户分层"),
    },
    "node_type": {
        "core_enterprise": _l("核心企业"),
        "market_administrator": _l("市场管理方"),
        "guarantee_company": _l("专业担保公司"),
        "warehouse_supervisor": _l("仓储监管机构"),
        "supplier": _l("上游供应商"),
        "dealer": _l("下游经销商"),
        "merchant": _l("商户"),
        "individual_business": _l("个体工商户"),
        "person": _l("自然人"),
        "enterprise": _l("企业"),
        "market": _l("商圈"),
        "joint_guarantee_group": _l("联保体"),
        "hidden": _l("无权查看的主体"),
    },
    "network_view": {
        "chain": _l("核心企业供应链"),
        "market": _l("商圈"),
        "joint_guarantee_group": _l("联保体"),
        "related_party_group": _l("关联集团"),
        "circle": _l("担保圈"),
    },
    "stress_reason": {
        "scenario": _l("假设违约"),
        "capacity_exceeded": _l("代偿超出能力"),
        "capacity_unknown": _l("净资产未知，视为无力代偿"),
        "borrower_default": _l("借款人违约"),
        "receivable_debtor_default": _l("应收账款债务人违约"),
        "goods_liquidation": _l("质物跌破平仓线"),
    },
    "call_via": {
        "guarantee": _l("保证担保"),
        "joint_guarantee": _l("联保"),
    },
    "facility_status": {
        "proposed": _l("待审批"),
        "sent_back": _l("已退回"),
        "active": _l("有效"),
        "frozen": _l("冻结"),
        "expired": _l("到期"),
        "closed": _l("关闭"),
        "rejected": _l("否决"),
    },
    "collateral_kind": {
        "real_estate": _l("房产"),
        "deposit": _l("存单"),
        "bond": _l("债券"),
        "equity": _l("股权"),
        "patent": _l("专利权"),
        "trademark": _l("商标权"),
        "machinery": _l("机器设备"),
    },
    "receipt_status": {
        "issued": _l("已签发"),
        "pledged": _l("已质押"),
        "split": _l("已拆分"),
        "released": _l("已释放"),
        "cancelled": _l("已注销"),
    },
    "limit_candidate": {
        "revenue_x_a": _l("营业收入 × 系数"),
        "equity_x_b": _l("所有者权益 × 系数"),
    },
    "limit_input": {
        "X": _l("近12个月营业收入 X"),
        "Y": _l("所有者权益 Y"),
        "Q": _l("现有敞口余额 Q"),
        "a": _l("收入系数 a"),
        "b": _l("权益系数 b"),
    },
}


def label(kind: str, code: object) -> str:
    """The label of ``code`` in the vocabulary ``kind``; the code itself if unknown."""
    if code is None:
        return ""
    text = str(getattr(code, "value", code))
    known = LABELS.get(kind, {}).get(text)
    return text if known is None else str(known)
