"""Schemas of the network API: relationships, ego network, exposure, circles, stress.
Money and ratios travel as decimal strings; JSON numbers are read as exact decimals
(``scf.platform.json``), never floats."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from scf.graph.data import EDGE_KINDS
from scf.platform.api.schemas.common import AsOfQuery, money_field, ratio_field


class RelationshipIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(EDGE_KINDS))
    source = fields.String(required=True, metadata={"description": "USCC, or customer number"})
    target = fields.String(metadata={"description": "party: USCC or customer number"})
    target_market = fields.String(
        metadata={"description": "market code (member_of_market, administers)"}
    )
    target_group = fields.String(metadata={"description": "joint-guarantee group code"})
    amount = money_field(allow_none=True)
    percentage = ratio_field(allow_none=True, metadata={"description": "ratio 0..1"})
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    loan = fields.String(allow_none=True, metadata={"description": "loan code a guarantee covers"})
    note = fields.String(allow_none=True, validate=validate.Length(max=500))


class RelationshipOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    source = fields.String(allow_none=True)
    target = fields.String(allow_none=True)
    target_market = fields.String(allow_none=True)
    target_group = fields.String(allow_none=True)
    amount = money_field(allow_none=True)
    percentage = ratio_field(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    loan = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class RelationshipQuery(AsOfQuery):
    party = fields.String(required=True, metadata={"description": "USCC of the party"})
    kind = fields.String(validate=validate.OneOf(EDGE_KINDS))


class DeleteQuery(Schema):
    ended_on = fields.Date(metadata={"description": "end the relationship on this date instead"})


class EgoQuery(AsOfQuery):
    radius = fields.Integer(load_default=2, validate=validate.Range(1, 3))
    types = fields.String(
        metadata={"description": "comma-separated edge kinds, e.g. guarantees,controls"}
    )
    max_nodes = fields.Integer(load_default=300, validate=validate.Range(1, 2000))


class EgoNodeSchema(Schema):
    id = fields.String()
    hidden = fields.Boolean()
    label = fields.String()
    type = fields.String()
    depth = fields.Integer()
    in_circle = fields.Boolean()
    uscc = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    size_class = fields.String(allow_none=True)
    delinquency_class = fields.String(allow_none=True)
    open_alerts = fields.Integer()
    exposure = money_field()


class EgoEdgeSchema(Schema):
    id = fields.String()
    relationship_id = fields.Integer()
    source = fields.String()
    target = fields.String()
    kind = fields.String()
    amount = money_field(allow_none=True)
    percentage = ratio_field(allow_none=True)
    in_circle = fields.Boolean()


class EgoSchema(Schema):
    center = fields.String()
    as_of = fields.Date()
    radius = fields.Integer()
    types = fields.List(fields.String(), allow_none=True)
    truncated = fields.Boolean()
    nodes = fields.List(fields.Nested(EgoNodeSchema))
    edges = fields.List(fields.Nested(EgoEdgeSchema))


class NetworkMemberSchema(Schema):
    hidden = fields.Boolean()
    id = fields.String()
    uscc = fields.String(allow_none=True)
    name = fields.String()
    size_class = fields.String(allow_none=True)
    exposure = money_field()
    balance = money_field()
    max_liability = money_field()


# The bank's own figures (net capital and the limits, ratios and headroom derived from
# it) are null for a market administrator; so is a total over parties they may not see.
BANK_ONLY = {"description": "null for a market administrator (the bank's own figure)"}


class OwnExposureSchema(Schema):
    exposure = money_field()
    reserved = money_field(metadata={"description": "principal of pending drawdowns"})
    loans = fields.Integer()
    limit_amount = money_field(allow_none=True, metadata=BANK_ONLY)
    headroom = money_field(allow_none=True, metadata=BANK_ONLY)


class RelatedPartyGroupSchema(Schema):
    id = fields.String(
        allow_none=True, metadata={"description": "null when its first member is hidden"}
    )
    members = fields.List(fields.Nested(NetworkMemberSchema))
    exposure = money_field(
        allow_none=True,
        metadata={"description": "null for a market administrator if a member is hidden"},
    )
    reserved = money_field(
        allow_none=True,
        metadata={"description": "principal of pending drawdowns; null like exposure"},
    )
    net_capital = money_field(allow_none=True, metadata=BANK_ONLY)
    ratio = ratio_field(allow_none=True, metadata=BANK_ONLY)
    limit_ratio = ratio_field()
    limit_amount = money_field(allow_none=True, metadata=BANK_ONLY)
    headroom = money_field(allow_none=True, metadata=BANK_ONLY)
    breached = fields.Boolean(allow_none=True, metadata=BANK_ONLY)
    clause = fields.String()


class JointGuaranteeExposureSchema(Schema):
    code = fields.String()
    name = fields.String()
    members = fields.List(fields.Nested(NetworkMemberSchema))
    total = money_field(allow_none=True)


class ChainExposureSchema(Schema):
    own = money_field()
    receivable_financing = money_field()
    dealer_financing = money_field()
    total = money_field()
    loans = fields.Integer()


class MarketExposureSchema(Schema):
    code = fields.String()
    name = fields.String()
    merchants = fields.Integer()
    merchant_exposure = money_field()
    administrator_exposure = money_field()
    total = money_field()
    guarantees_used = money_field()
    guarantee_capacity = money_field(allow_none=True)
    capacity_ratio = ratio_field(allow_none=True)
    capacity_breached = fields.Boolean()
    clause = fields.String()


class ExposureSchema(Schema):
    uscc = fields.String(allow_none=True)
    name = fields.String()
    as_of = fields.Date()
    policy_version = fields.String()
    headroom = money_field(
        allow_none=True,
        metadata={
            "description": "lower of the own and group headroom; " + BANK_ONLY["description"]
        },
    )
    own = fields.Nested(OwnExposureSchema)
    related_party_group = fields.Nested(RelatedPartyGroupSchema)
    joint_guarantee_groups = fields.List(fields.Nested(JointGuaranteeExposureSchema))
    chain = fields.Nested(ChainExposureSchema, allow_none=True)
    market = fields.List(fields.Nested(MarketExposureSchema), allow_none=True)


class CircleQuery(AsOfQuery):
    min_size = fields.Integer(load_default=2, validate=validate.Range(2, 1000))


class CircleLinkSchema(Schema):
    relationship_id = fields.Integer()
    guarantor = fields.String()
    borrower = fields.String()
    amount = money_field(allow_none=True)


class CircleBreachSchema(Schema):
    rule = fields.String()
    clause = fields.String()
    parties = fields.List(fields.String())


class CircleSchema(Schema):
    id = fields.String()
    size = fields.Integer()
    members = fields.List(fields.Nested(NetworkMemberSchema))
    links = fields.List(fields.Nested(CircleLinkSchema))
    cycles = fields.List(fields.List(fields.String()))
    cycles_truncated = fields.Boolean()
    mutual_pairs = fields.List(fields.List(fields.String()))
    triangles = fields.List(fields.List(fields.String()))
    breaches = fields.List(fields.Nested(CircleBreachSchema))
    guaranteed_amount = money_field(allow_none=True)
    exposure = money_field(allow_none=True)


class StressIn(Schema):
    as_of = fields.Date()
    defaults = fields.List(fields.String(), load_default=list)
    shocks = fields.Dict(
        keys=fields.String(),
        values=ratio_field(),
        load_default=dict,
        metadata={"description": 'commodity -> relative change, e.g. {"steel_rebar": "-0.20"}'},
    )


# Parties the reader may not see are ``hidden`` with an alias (x1…) as ``name`` and no
# code, loan code or figures (null); totals including them are null (``complete`` false).


class StressPartySchema(Schema):
    uscc = fields.String(allow_none=True)
    name = fields.String()
    node = fields.String(allow_none=True, metadata={"description": "the viewer's node id"})
    hidden = fields.Boolean()
    reason = fields.String()
    called = money_field(allow_none=True)
    capacity = money_field(allow_none=True)
    explanation = fields.String(allow_none=True)


class StressLoanSchema(Schema):
    loan = fields.String(allow_none=True)
    borrower = fields.String()
    borrower_node = fields.String(allow_none=True)
    exposure = money_field(allow_none=True)
    reason = fields.String()
    explanation = fields.String(allow_none=True)


class StressCallSchema(Schema):
    guarantor = fields.String()
    guarantor_node = fields.String(allow_none=True)
    loan = fields.String(allow_none=True)
    amount = money_field(allow_none=True)
    via = fields.String()


class StressRoundSchema(Schema):
    round = fields.Integer()
    complete = fields.Boolean()
    parties = fields.List(fields.Nested(StressPartySchema))
    loans = fields.List(fields.Nested(StressLoanSchema))
    calls = fields.List(fields.Nested(StressCallSchema))
    exposure_at_default = money_field(allow_none=True)
    called_amount = money_field(allow_none=True)


class GoodsBreachSchema(Schema):
    loan = fields.String(allow_none=True)
    borrower = fields.String()
    status = fields.String()
    market_value = money_field(allow_none=True)
    lending_value = money_field(allow_none=True)
    exposure = money_field(allow_none=True)


class StressLossSchema(Schema):
    loan = fields.String(allow_none=True)
    borrower = fields.String()
    exposure = money_field(allow_none=True)
    collateral_cover = money_field(allow_none=True)
    guarantee_cover = money_field(allow_none=True)
    uncovered = money_field(allow_none=True)
    loss = money_field(allow_none=True)


class StressScenarioSchema(Schema):
    defaults = fields.List(fields.String())
    shocks = fields.Dict(keys=fields.String(), values=ratio_field())


class StressSchema(Schema):
    as_of = fields.Date()
    complete = fields.Boolean(
        metadata={"description": "false: parties you may not see are involved; totals withheld"}
    )
    policy_version = fields.String()
    recovery_rate = ratio_field()
    scenario = fields.Nested(StressScenarioSchema)
    rounds = fields.List(fields.Nested(StressRoundSchema))
    goods_breaches = fields.List(fields.Nested(GoodsBreachSchema))
    losses = fields.List(fields.Nested(StressLossSchema))
    affected_parties = fields.Integer()
    affected_loans = fields.Integer()
    exposure_at_default = money_field(allow_none=True)
    collateral_cover = money_field(allow_none=True)
    guarantee_cover = money_field(allow_none=True)
    total_loss = money_field(allow_none=True)
