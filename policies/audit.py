"""What the audit log calls the calls, the regimes and the reference data, and the actions recorded on them."""

from flask_babel import lazy_gettext as _l

from core.audit import RecordLink, register_audit_actions, register_audit_record
from policies.evaluation import EvaluationRule, ScoreSheetTemplate
from policies.models import Call, PriorityItem, PublicHoliday, Regime, RegimeCondition, Sector, SupportCategory

register_audit_record(
    "call",
    _l("Call"),
    "applications",
    states="call",
    link=RecordLink("policies.call_detail", Call.id, {"call_id": Call.id}),
)
register_audit_actions({"extend": _l("Extended the closing time")}, "call")

# Reference data, each edited on its administration page.
REFERENCE_RECORDS = (
    ("regime", _l("Regime"), RecordLink("admin.regime", Regime.id, {"regime_id": Regime.id})),
    (
        "support_category",
        _l("Support category"),
        RecordLink(
            "admin.category",
            SupportCategory.id,
            {"regime_id": SupportCategory.regime_id, "category_id": SupportCategory.id},
        ),
    ),
    (
        "regime_condition",
        _l("Condition"),
        RecordLink(
            "admin.condition",
            RegimeCondition.id,
            {"regime_id": RegimeCondition.regime_id, "condition_id": RegimeCondition.id},
        ),
    ),
    ("sector", _l("Sector"), RecordLink("admin.sector", Sector.id, {"sector_id": Sector.id})),
    (
        "priority_item",
        _l("Priority item"),
        RecordLink(
            "admin.priority_item", PriorityItem.id, {"sector_id": PriorityItem.sector_id, "item_id": PriorityItem.id}
        ),
    ),
    (
        "public_holiday",
        _l("Public holiday"),
        RecordLink("admin.holiday", PublicHoliday.id, {"holiday_id": PublicHoliday.id}),
    ),
    (
        "score_sheet_template",
        _l("Score sheet template"),
        RecordLink("admin.score_sheet", ScoreSheetTemplate.id, {"template_id": ScoreSheetTemplate.id}),
    ),
    (
        "evaluation_rule",
        _l("Evaluation rule"),
        RecordLink("admin.evaluation_rule", EvaluationRule.id, {"rule_id": EvaluationRule.id}),
    ),
)
for object_type, label, link in REFERENCE_RECORDS:
    register_audit_record(object_type, label, "administration", link=link)
