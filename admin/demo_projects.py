"""The demo's legacy portfolio: projects funded under Long An's LA-03/2021 at every stage, so that a new user sees
a living portfolio (monitoring, health, to-do lists, acceptance and closing). They are entered as the department
would import its paper records: with their history already written, dated relative to today."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from accounts.models import Organization
from core.audit import record_event
from core.extensions import db
from core.register import claim
from policies.models import Call, Regime, Sector
from projects.contracts.models import Project, ProjectProduct, Tranche
from projects.contracts.scope import ProjectBudgetLine, ProjectWorkPackage, Scope, contract_scope, scale_amounts
from projects.contracts.services import report_due_dates
from projects.followup.models import PeriodicReport, ReportPackage, ReportProduct, ReportSpending
from projects.money.models import LedgerEntry
from projects.portfolio.health import elapsed_share

# (code, tax code of the host, sector number, legacy area, title, lead, approved, start, months, status, grade)
PORTFOLIO = [
    (
        "LA-2023-004",
        "1101234567",
        1,
        "long_an",
        "Nhân rộng mô hình trồng thanh long ứng dụng đèn LED tiết kiệm năng lượng",
        "Đỗ Minh Quân",
        620_000_000,
        (2023, 7, 1),
        24,
        "liquidated",
        "excellent",
    ),
    (
        "LA-2024-002",
        "3900876557",
        2,
        "tay_ninh",
        "Cải tiến dây chuyền sấy nông sản sử dụng năng lượng mặt trời",
        "Lý Hoàng Nam",
        850_000_000,
        (2024, 3, 1),
        24,
        "result_registered",
        "pass",
    ),
    (
        "LA-2024-007",
        "1101987659",
        1,
        "long_an",
        "Ứng dụng chế phẩm sinh học xử lý phụ phẩm trồng lúa làm phân hữu cơ",
        "Trương Văn Lực",
        380_000_000,
        (2024, 9, 1),
        24,
        "accepted",
        "pass",
    ),
    (
        "LA-2025-001",
        "1101234567",
        7,
        "long_an",
        "Xử lý nước thải chế biến rau quả bằng công nghệ màng sinh học MBBR",
        "Phan Thị Mỹ Duyên",
        540_000_000,
        (2025, 1, 1),
        22,
        "acceptance_submitted",
        None,
    ),
    (
        "LA-2025-003",
        "3900876557",
        4,
        "tay_ninh",
        "Chuyển đổi số quản lý sản xuất cơ khí theo lô với mã QR",
        "Lý Hoàng Nam",
        450_000_000,
        (2025, 1, 15),
        20,
        "in_progress",
        None,
    ),  # past its end: overdue
    (
        "LA-2025-005",
        "1101987659",
        1,
        "long_an",
        "Nhân rộng quy trình nuôi tôm càng xanh luân canh trên ruộng lúa",
        "Trương Văn Lực",
        300_000_000,
        (2025, 4, 1),
        24,
        "in_progress",
        None,
    ),  # a report late: at risk
    (
        "LA-2025-006",
        "1101234567",
        1,
        "long_an",
        "Ứng dụng IoT giám sát tưới nhỏ giọt cho vườn chanh không hạt",
        "Đỗ Minh Quân",
        700_000_000,
        (2025, 7, 1),
        24,
        "in_progress",
        None,
    ),  # on track
    (
        "LA-2025-008",
        "3900876557",
        2,
        "tay_ninh",
        "Đổi mới công nghệ hàn tự động cho khung nhà thép tiền chế",
        "Lý Hoàng Nam",
        900_000_000,
        (2025, 6, 1),
        24,
        "suspended",
        None,
    ),
    (
        "LA-2025-009",
        "1101987659",
        5,
        "long_an",
        "Sản xuất thử nghiệm trà thảo dược từ cây rau má theo GMP",
        "Trương Văn Lực",
        260_000_000,
        (2025, 5, 1),
        18,
        "recovery",
        None,
    ),
]
PERCENTS = (50, 30, 20)


def _months_later(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    return date(start.year + year, month + 1, 1) - timedelta(days=1)


def seed_legacy_projects(today: date) -> None:
    """Insert the legacy projects that are missing, each with its work packages and budget lines (adding up to the
    approved support), tranches and periodic reports as they stand."""
    regime = db.session.execute(select(Regime).where(Regime.code == "LA-03/2021")).scalar_one()
    call_id = db.session.execute(select(Call.id).where(Call.code == "LA-2025-01")).scalar()
    known = set(db.session.execute(select(Project.code)).scalars())
    for code, tax_code, sector, area, title, lead, approved, start, months, status, grade in PORTFOLIO:
        if code in known:
            continue
        org = db.session.execute(select(Organization).where(Organization.tax_code == tax_code)).scalar_one()
        start_on = date(*start)
        end_on = _months_later(start_on, months)
        project = Project(
            code=code,
            regime_id=regime.id,
            call_id=call_id if start_on.year == 2025 else None,
            sector_id=db.session.execute(select(Sector.id).where(Sector.number == sector)).scalar(),
            organization_id=org.id,
            status=status,
            legacy_area=area,
            title=title,
            lead_name=lead,
            approved_vnd=approved,
            contract_number=f"{code[-3:]}/{start_on.year}/HĐ-KHCN",
            signed_on=start_on,
            start_on=start_on,
            end_on=end_on,
            original_end_on=end_on,
            dossier_due_on=end_on + timedelta(days=regime.final_dossier_days),
            agency_signer="Giám đốc Sở KH&CN",
            host_signer=lead,
            grade=grade,
            annex={},
        )
        project.products = [
            ProjectProduct(
                position=1,
                name="Mô hình ứng dụng hoàn chỉnh",
                unit="mô hình",
                quantity=1,
                quality_target="Vận hành ổn định, đạt các thông số kỹ thuật đăng ký",
            ),
            ProjectProduct(
                position=2,
                name="Quy trình công nghệ",
                unit="quy trình",
                quantity=1,
                quality_target="Được hội đồng nghiệm thu đánh giá đạt",
            ),
        ]
        _finish(project, today)
        db.session.add(project)
        db.session.flush()
        _register(project)
        _scope(project, months)
        _reports(project, regime, today)
        record_event("import", "project", project.id, comment="Hồ sơ giấy chuyển lên hệ thống (LA-03/2021)")


def _finish(project: Project, today: date) -> None:
    """The tranches, closing records and ledger as far as the project's stage has gone: a liquidated project was
    paid its last tranche per its liquidation record, the one in recovery has returned part of the money."""
    done = project.status in ("accepted", "result_registered", "liquidated")
    paid = {
        "liquidated": 3,
        "result_registered": 2,
        "accepted": 2,
        "acceptance_submitted": 2,
        "suspended": 1,
        "recovery": 1,
    }.get(project.status, 1)
    books = [("commitment", project.approved_vnd, project.signed_on, None, project.contract_number)]
    project.tranches, given = [], 0
    for index, percent in enumerate(PERCENTS):
        amount = project.approved_vnd - given if index == 2 else project.approved_vnd * percent // 100
        given += amount
        tranche = Tranche(
            position=index + 1,
            amount_vnd=amount,
            percent=percent,
            condition=("contract_signed", "report_accepted", "liquidated")[index],
        )
        if index < paid:
            tranche.status = "settled" if index < paid - 1 or (done and index < 2) else "paid"
            tranche.paid_on = project.start_on + timedelta(days=20 + 240 * index)
            tranche.paid_vnd, tranche.payment_reference = amount, f"UNC {project.code}-{index + 1}"
            books.append(("payment", amount, tranche.paid_on, tranche, tranche.payment_reference))
            if tranche.status == "settled":
                tranche.settled_on = tranche.paid_on + timedelta(days=150)
                tranche.invoices_note = "Hóa đơn, chứng từ đã kiểm tra"
                books.append(("settlement", amount, tranche.settled_on, tranche, tranche.invoices_note))
        elif index == paid and project.status == "in_progress":
            tranche.status = "eligible" if project.code == "LA-2025-006" else "planned"
        project.tranches.append(tranche)
    project.paid_vnd = sum(t.paid_vnd or 0 for t in project.tranches)
    project.settled_vnd = sum(t.paid_vnd or 0 for t in project.tranches if t.status == "settled")
    if project.status in ("acceptance_submitted", "accepted", "result_registered", "liquidated"):
        project.dossier_submitted_at = project.end_on + timedelta(days=20)
        project.final_report = "Báo cáo tổng hợp kết quả thực hiện dự án."
        project.self_assessment = "Dự án hoàn thành đầy đủ các sản phẩm theo hợp đồng."
    if project.status in ("result_registered", "liquidated"):
        project.certificate_number = f"{project.code[-3:]}/2026/GCN-KQ"
        project.certificate_on = min(today, project.end_on + timedelta(days=90))
    if project.status == "liquidated":
        _liquidated(project, books)
    if project.status == "recovery":
        project.recovery_decision, project.recovery_vnd, project.recovered_vnd = "45/QĐ-SKHCN", 80_000_000, 30_000_000
        project.recovery_decided_on = project.tranches[0].paid_on + timedelta(days=200)
        project.recovery_due_on = project.recovery_decided_on + timedelta(days=60)
        books.append(("recovery_decided", 80_000_000, project.recovery_decided_on, None, project.recovery_decision))
        books.append(("recovery_received", 30_000_000, project.recovery_due_on, None, "Giấy nộp tiền GNT-0112"))
    for kind, amount, day, tranche, document in books:
        db.session.add(
            LedgerEntry(
                project=project, tranche=tranche, kind=kind, amount_vnd=amount, occurred_on=day, document=document
            )
        )


def _register(project: Project) -> None:
    """The project's numbers in the document register, as its service would have claimed them."""
    claim("contract", project.id, project.contract_number, project.signed_on, "contract_number")
    if project.recovery_decided_on is not None:
        claim("recovery", project.id, project.recovery_decision, project.recovery_decided_on, "recovery_decision")
    if project.liquidated_on is not None:
        claim("liquidation", project.id, project.liquidation_number, project.liquidated_on, "liquidation_number")


def _liquidated(project: Project, books: list[tuple]) -> None:
    """A closed project: its final settlement accepts the whole support, the record leaves the last tranche to pay
    and finance paid it."""
    project.settlement_on = project.assets_on = project.end_on + timedelta(days=100)
    project.settlement_note, project.assets_note = "Quyết toán kinh phí hoàn tất", "Tài sản bàn giao cho đơn vị chủ trì"
    project.liquidation_number, project.liquidated_on = (
        f"{project.code[-3:]}/TL-SKHCN",
        project.end_on + timedelta(days=120),
    )
    last = project.tranches[-1]
    project.final_settled_vnd = project.approved_vnd
    project.final_due_vnd = project.final_paid_vnd = last.paid_vnd
    last.paid_on = project.liquidated_on + timedelta(days=10)
    books.remove(next(entry for entry in books if entry[3] is last))
    books.append(("final_settlement", project.approved_vnd, project.settlement_on, None, project.settlement_note))
    books.append(("final_payment", last.paid_vnd, last.paid_on, last, last.payment_reference))


# The legacy contracts' scope, as the paper annexes had it: (kind, description, share of the support, counterpart
# as a share of the support) and (name, products), the work packages spanning the start, the middle and the end.
BUDGET = (
    ("labour", "Thuê khoán chuyên môn, công lao động", 30, 20),
    ("materials", "Nguyên vật liệu, năng lượng", 25, 40),
    ("equipment", "Thiết bị, máy móc", 35, 60),
    ("services", "Hội thảo, đào tạo, chuyển giao", 10, 0),
)
PACKAGES = (
    ("Khảo sát hiện trạng, hoàn thiện thiết kế kỹ thuật", "Báo cáo khảo sát, thiết kế"),
    ("Xây dựng và vận hành mô hình ứng dụng", "Mô hình hoàn chỉnh"),
    ("Đánh giá hiệu quả, hoàn thiện quy trình công nghệ", "Quy trình công nghệ, báo cáo tổng kết"),
)


def _scope(project: Project, months: int) -> None:
    """The contract's work packages over its months and its budget lines adding up to the approved support."""
    spans = ((1, 3), (4, months - 4), (months - 3, months))
    for index, ((name, products), (start, end)) in enumerate(zip(PACKAGES, spans, strict=True)):
        db.session.add(
            ProjectWorkPackage(
                project_id=project.id, position=index + 1, name=name, month_from=start, month_to=end, products=products
            )
        )
    support = scale_amounts([share for _kind, _text, share, _counter in BUDGET], project.approved_vnd)
    for index, ((kind, description, _share, counterpart), amount) in enumerate(zip(BUDGET, support, strict=True)):
        db.session.add(
            ProjectBudgetLine(
                project_id=project.id,
                position=index + 1,
                kind=kind,
                description=description,
                support_vnd=amount,
                requested_vnd=amount,
                counterpart_vnd=amount * counterpart // 100,
            )
        )
    db.session.flush()


def _reports(project: Project, regime: Regime, today: date) -> None:
    """The periodic reports: those past accepted, except the at-risk project's last one, still not submitted; each
    accepted one with its rows, the work and the spending keeping pace with the time elapsed at its date."""
    scope = contract_scope(project.id)
    for sequence, due in enumerate(report_due_dates(regime, project.start_on, project.end_on), 1):
        report = PeriodicReport(project_id=project.id, sequence=sequence, due_on=due)
        late = project.code == "LA-2025-005" and due <= today and due > today - timedelta(days=120)
        if due <= today and not late:
            report.status, report.progress = "accepted", "Các nội dung thực hiện đúng tiến độ."
            report.submitted_at = report.reviewed_at = _moment(due - timedelta(days=3))
        db.session.add(report)
        if report.status == "accepted":
            db.session.flush()
            _report_rows(report, project, scope, elapsed_share(project.start_on, project.end_on, due))


def _report_rows(report: PeriodicReport, project: Project, scope: Scope, share: float) -> None:
    """An accepted report's rows: each work package as far as its months allow, the products on their way and each
    budget line spent a little behind the time elapsed; the report's totals as the service computes them."""
    month = share * (scope.packages[-1].month_to or 1)
    percents = []
    for package in scope.packages:
        span = (package.month_to or month) - (package.month_from or 1) + 1
        percent = max(0, min(100, round(100 * (month - (package.month_from or 1) + 1) / span)))
        percents.append(percent)
        done = "Đã hoàn thành." if percent == 100 else ("Đang thực hiện." if percent else "Chưa bắt đầu.")
        db.session.add(ReportPackage(report_id=report.id, work_package_id=package.id, percent=percent, done=done))
    for product in project.products:
        quantity = (product.quantity or 1) if share >= 0.75 else 0
        quality = "Đạt yêu cầu kỹ thuật" if quantity else "Đang hoàn thiện"
        db.session.add(ReportProduct(report_id=report.id, product_id=product.id, quantity=quantity, quality=quality))
    spent = [int(line.support_vnd * share * 0.9) for line in scope.lines]
    for line, amount in zip(scope.lines, spent, strict=True):
        db.session.add(ReportSpending(report_id=report.id, budget_line_id=line.id, spent_vnd=amount))
    report.spent_vnd = sum(spent)
    report.progress_percent = round(sum(percents) / len(percents)) if percents else None


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0)  # 9:00 in Ho Chi Minh City
