"""Loading of the reference data in policies/data/*.yaml: idempotent, never overwrites an administrator's edits."""

from pathlib import Path

import yaml
from sqlalchemy import select

from core.extensions import db
from policies.evaluation import Criterion, EvaluationRule, ScoreSheetTemplate
from policies.models import PriorityItem, PublicHoliday, Regime, RegimeCondition, Sector, SupportCategory

DATA = Path(__file__).resolve().parent / "data"
REGIME_FIELDS = (
    "title",
    "title_en",
    "legal_basis",
    "legal_basis_en",
    "issued_on",
    "effective_from",
    "start_year",
    "end_year",
    "is_current",
    "figures_illustrative",
    "description",
    "description_en",
    "supplement_working_days",
    "tranche_split",
    "report_dates",
    "final_dossier_days",
    "reminder_days_before",
    "inspection_month",
    "acceptance_rule",
    "acceptance_share",
    "points_excellent",
    "points_pass",
    "acceptance_council_min",
    "acceptance_council_max",
    "acceptance_quorum",
    "spending_lag_percent",
    "conflict_years",
)


def _read(name: str) -> dict:
    with open(DATA / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def regime_defaults() -> dict:
    """The figures a regime takes unless it gives its own (regimes.yaml `defaults`), by field name."""
    return _read("regimes.yaml")["defaults"]


def evaluation_rule_defaults() -> dict:
    """The figures an evaluation rule takes unless it gives its own (evaluation.yaml `rule_defaults`), by field name."""
    return _read("evaluation.yaml")["rule_defaults"]


def load_reference_data() -> dict[str, int]:
    """Insert the missing regimes, categories, conditions, sectors, items, score sheets, rules and public holidays;
    count them."""
    added = {"regimes": 0, "categories": 0, "conditions": 0, "sectors": 0, "items": 0}
    for spec in _read("regimes.yaml")["regimes"]:
        regime = db.session.execute(select(Regime).where(Regime.code == spec["code"])).scalar_one_or_none()
        if regime is None:
            fields = {**regime_defaults(), **{k: spec[k] for k in REGIME_FIELDS if k in spec}}
            regime = Regime(code=spec["code"], **fields)
            db.session.add(regime)
            db.session.flush()
            added["regimes"] += 1
        known = set(
            db.session.execute(select(SupportCategory.code).where(SupportCategory.regime_id == regime.id)).scalars()
        )
        for order, cat in enumerate(spec.get("categories", []), start=1):
            if cat["code"] not in known:
                db.session.add(SupportCategory(regime_id=regime.id, sort_order=order, illustrative=True, **cat))
                added["categories"] += 1
        known = set(
            db.session.execute(select(RegimeCondition.code).where(RegimeCondition.regime_id == regime.id)).scalars()
        )
        for order, cond in enumerate(spec.get("conditions", []), start=1):
            if cond["code"] not in known:
                db.session.add(RegimeCondition(regime_id=regime.id, sort_order=order, **cond))
                added["conditions"] += 1
    for spec in _read("sectors.yaml")["sectors"]:
        sector = db.session.execute(select(Sector).where(Sector.number == spec["number"])).scalar_one_or_none()
        if sector is None:
            sector = Sector(number=spec["number"], heading=spec["heading"], name=spec["name"], name_en=spec["name_en"])
            db.session.add(sector)
            db.session.flush()
            added["sectors"] += 1
        known_numbers = set(
            db.session.execute(select(PriorityItem.number).where(PriorityItem.sector_id == sector.id)).scalars()
        )
        for number, item in enumerate(spec["items"], start=1):
            if number not in known_numbers:
                db.session.add(
                    PriorityItem(sector_id=sector.id, number=number, text=item["text"], text_en=item["text_en"])
                )
                added["items"] += 1
    added.update(_load_evaluation())
    added["holidays"] = _load_holidays()
    db.session.flush()
    return added


def _load_evaluation() -> dict[str, int]:
    added = {"templates": 0, "criteria": 0, "rules": 0}
    data = _read("evaluation.yaml")
    known = set(db.session.execute(select(ScoreSheetTemplate.code)).scalars())
    for spec in data["score_sheets"]:
        if spec["code"] in known:
            # Never add criteria to an existing sheet: its maxima must keep adding up to 100 and sheets may use it.
            continue
        criteria = [Criterion(position=n, **c) for n, c in enumerate(spec["criteria"], start=1)]
        db.session.add(ScoreSheetTemplate(**{k: v for k, v in spec.items() if k != "criteria"}, criteria=criteria))
        added["templates"] += 1
        added["criteria"] += len(criteria)
    known = set(db.session.execute(select(EvaluationRule.code)).scalars())
    for spec in data["evaluation_rules"]:
        if spec["code"] not in known:
            db.session.add(EvaluationRule(**{**evaluation_rule_defaults(), **spec}))
            added["rules"] += 1
    return added


def _load_holidays() -> int:
    """Insert the days of each year the table holds nothing of: a year already there is the administrators' (they
    move, add and remove its days, e.g. for the government's yearly decisions), and a reload never undoes that."""
    known_years = {day.year for day in db.session.execute(select(PublicHoliday.day)).scalars()}
    rows = [row for row in _read("holidays.yaml")["holidays"] if row["day"].year not in known_years]
    db.session.add_all(PublicHoliday(**row) for row in rows)
    return len(rows)
