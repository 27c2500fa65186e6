"""A periodic report's rows against the contract's: progress per work package (percent done, what was done), per
product (quantity achieved against the target, quality reached) and spending per budget line (spent so far against
the approved support). The form is prefilled from the previous report's figures; saving checks and stores the
rows and computes the report's totals (money spent, overall progress); staff read them as tables."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select

from core.errors import DomainError
from core.extensions import db
from projects.contracts.models import Project, ProjectProduct
from projects.contracts.scope import ProjectBudgetLine, ProjectWorkPackage, Scope, contract_scope
from projects.followup.models import REPORTED, PeriodicReport, ReportPackage, ReportProduct, ReportSpending


@dataclass(frozen=True)
class PackageFigure:
    """A work package of the contract and the report's progress on it."""

    package: ProjectWorkPackage
    percent: int | None = None
    done: str = ""


@dataclass(frozen=True)
class ProductFigure:
    """A product of the contract and the quantity and quality the report says were reached."""

    product: ProjectProduct
    quantity: int | None = None
    quality: str = ""

    @property
    def at_target(self) -> bool:
        """The quantity achieved reaches the contract's (one, for a product without a quantity)."""
        return self.quantity is not None and self.quantity >= (self.product.quantity or 1)


@dataclass(frozen=True)
class SpendingFigure:
    """A budget line of the contract and what the report says was spent on it so far."""

    line: ProjectBudgetLine
    spent_vnd: int | None = None


@dataclass(frozen=True)
class ReportFigures:
    """The report's rows, one per row of the contract, in the contract's order."""

    packages: list[PackageFigure]
    products: list[ProductFigure]
    spending: list[SpendingFigure]

    def figure_of(self, kind: str, row_id: object) -> object | None:
        """The figure of a contract row by kind ("packages", "products", "spending") and id (as a form posts it)."""
        key = int(row_id) if str(row_id or "").isdigit() else None
        items = {"packages": "package", "products": "product", "spending": "line"}
        return next((row for row in getattr(self, kind) if getattr(row, items[kind]).id == key), None)

    @property
    def planned_vnd(self) -> int:
        """The approved support over the budget lines."""
        return sum(row.line.support_vnd for row in self.spending)

    @property
    def spent_vnd(self) -> int:
        """What was spent over the budget lines."""
        return sum(row.spent_vnd or 0 for row in self.spending)

    @property
    def products_at_target(self) -> int:
        """How many products reached their quantity."""
        return sum(row.at_target for row in self.products)


def _rows_of(report_ids: list[int], previous_of: PeriodicReport | None = None) -> dict[int, dict[str, dict]]:
    """The rows of these reports (and of the report given before `previous_of`, under the key 0), by report id then
    kind, keyed by the contract's row id (three queries)."""
    found: dict[int, dict[str, dict]] = {
        rid: {"packages": {}, "products": {}, "spending": {}} for rid in [*report_ids, 0]
    }
    kinds = (
        ("packages", ReportPackage, "work_package_id"),
        ("products", ReportProduct, "product_id"),
        ("spending", ReportSpending, "budget_line_id"),
    )
    previous = None if previous_of is None else _previous(previous_of).scalar_subquery()
    for kind, model, key in kinds:
        wanted = (
            model.report_id.in_(report_ids)
            if previous is None
            else or_(model.report_id.in_(report_ids), model.report_id == previous)
        )
        for row in db.session.execute(select(model).where(wanted)).scalars():
            found[row.report_id if row.report_id in found else 0][kind][getattr(row, key)] = row
    return found


def _previous(report: PeriodicReport) -> Select:
    """The id of the latest report given to the department before this one."""
    return (
        select(PeriodicReport.id)
        .where(
            PeriodicReport.project_id == report.project_id,
            PeriodicReport.sequence < report.sequence,
            PeriodicReport.status.in_(REPORTED),
        )
        .order_by(PeriodicReport.sequence.desc())
        .limit(1)
    )


def report_figures(project: Project, report: PeriodicReport, prefill: bool = False) -> ReportFigures:
    """The report's rows against the contract's (the project's products loaded); with `prefill`, a report with no
    rows yet shows the previous report's figures, the host's starting point."""
    scope = contract_scope(project.id)
    rows = _rows_of([report.id], report if prefill else None)
    own = rows[report.id]
    source = own if any(own.values()) else rows[0]
    packages = [
        PackageFigure(wp, row.percent, row.done) if (row := source["packages"].get(wp.id)) else PackageFigure(wp)
        for wp in scope.packages
    ]
    products = [
        ProductFigure(p, row.quantity, row.quality) if (row := source["products"].get(p.id)) else ProductFigure(p)
        for p in project.products
    ]
    spending = [
        SpendingFigure(line, row.spent_vnd) if (row := source["spending"].get(line.id)) else SpendingFigure(line)
        for line in scope.lines
    ]
    return ReportFigures(packages, products, spending)


def _check_rows(rows: list[dict], known: set[int], kind: str, value: str, valid: object, message: str) -> None:
    """Every row names a row of the contract and its value passes `valid`, else the message at the row's field."""
    for index, row in enumerate(rows):
        if row["id"] not in known:
            raise DomainError(_("A row of the report is not in the contract any more; reload the page."), kind)
        if row[value] is not None and not valid(row[value]):
            raise DomainError(message, f"{kind}-{index}-{value}")


def check_figures(project: Project, scope: Scope, data: dict, submitting: bool) -> None:
    """The rows name the contract's rows (`scope`: the project's), percents are 0 to 100, quantities and amounts not
    negative; a submitted report gives the percent of every work package."""
    packages = data.get("packages", [])
    _check_rows(
        packages,
        {wp.id for wp in scope.packages},
        "packages",
        "percent",
        lambda n: 0 <= n <= 100,
        _("The percent done is a whole number from 0 to 100."),
    )
    _check_rows(
        data.get("products", []),
        {p.id for p in project.products},
        "products",
        "quantity",
        lambda n: n >= 0,
        _("The quantity achieved cannot be negative."),
    )
    _check_rows(
        data.get("spending", []),
        {line.id for line in scope.lines},
        "spending",
        "spent_vnd",
        lambda n: n >= 0,
        _("The amount spent cannot be negative."),
    )
    if not submitting:
        return
    missing = _("Give the percent done of every work package before submitting the report.")
    for index, row in enumerate(packages):
        if row["percent"] is None:
            raise DomainError(missing, f"packages-{index}-percent")
    if {row["id"] for row in packages} != {wp.id for wp in scope.packages}:
        raise DomainError(missing, "packages")


def save_figures(report: PeriodicReport, scope: Scope, data: dict) -> None:
    """Store the report's rows (checked by check_figures) and compute its totals: the money spent (the sum of the
    lines, or the host's own figure when the contract has no budget lines) and the overall progress (the mean of
    the work packages' percents, each weighing the same; none without work packages)."""
    existing = _rows_of([report.id])[report.id]
    columns = {
        "packages": (ReportPackage, "work_package_id", ("percent", "done")),
        "products": (ReportProduct, "product_id", ("quantity", "quality")),
        "spending": (ReportSpending, "budget_line_id", ("spent_vnd",)),
    }
    for kind, (model, key, fields) in columns.items():
        for row in data.get(kind, []):
            stored = existing[kind].get(row["id"])
            if stored is None:
                stored = existing[kind][row["id"]] = model(report_id=report.id, **{key: row["id"]})
                db.session.add(stored)
            for name in fields:
                setattr(stored, name, row[name] if name != "spent_vnd" else row[name] or 0)
    if scope.lines:
        report.spent_vnd = sum(row.spent_vnd for row in existing["spending"].values())
    else:
        report.spent_vnd = data.get("spent_vnd")
    percents = [existing["packages"][wp.id].percent for wp in scope.packages if wp.id in existing["packages"]]
    given = [percent for percent in percents if percent is not None]
    report.progress_percent = (2 * sum(given) + len(given)) // (2 * len(given)) if given else None


def product_summary(project: Project) -> str:
    """The products as the latest report given to the department has them, one line each ("name: achieved/target
    unit — quality reached"), in the current language; empty when no report gave them (products loaded)."""
    latest = db.session.execute(
        select(PeriodicReport.id)
        .where(PeriodicReport.project_id == project.id, PeriodicReport.status.in_(REPORTED))
        .order_by(PeriodicReport.sequence.desc())
        .limit(1)
    ).scalar()
    if latest is None:
        return ""
    rows = _rows_of([latest])[latest]["products"]
    lines = []
    for product in project.products:
        row = rows.get(product.id)
        if row is None:
            continue
        achieved = "—" if row.quantity is None else str(row.quantity)
        figure = achieved if product.quantity is None else f"{achieved}/{product.quantity}"
        line = f"{product.name}: {figure} {product.unit}".rstrip()
        lines.append(f"{line} — {row.quality}" if row.quality else line)
    return "\n".join(lines)
