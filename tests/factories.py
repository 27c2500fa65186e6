"""Factories for test records; they flush, tests commit."""

from datetime import timedelta
from itertools import count

from accounts.models import Membership, Organization, User, UserRole
from accounts.services import hash_password
from core.extensions import db
from core.formatting import utcnow
from policies.models import Call, CallDocument, Regime, Sector, SupportCategory

PASSWORD = "correct-horse-42"
_seq = count(1)
_W = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def valid_tax_code(seed: int) -> str:
    """A 10-digit tax code with a correct check digit."""
    for base_number in range(seed * 7 + 100000000, seed * 7 + 100000100):
        base = f"{base_number:09d}"
        digit = 10 - sum(int(d) * w for d, w in zip(base, _W, strict=True)) % 11
        if digit < 10:
            return base + str(digit)
    raise AssertionError("no tax code found")


def make_organization(name: str | None = None, **fields: object) -> Organization:
    n = next(_seq)
    org = Organization(
        name=name or f"Công ty Thử nghiệm {n}",
        tax_code=fields.pop("tax_code", valid_tax_code(n)),
        org_type=fields.pop("org_type", "sme"),
        address=fields.pop("address", "Phường Long An, tỉnh Tây Ninh"),
        legal_rep_name=fields.pop("legal_rep_name", "Nguyễn Văn A"),
        **fields,
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_user(email: str | None = None, roles: tuple[str, ...] = ("applicant",), organization: Organization | None = None,
              verified: bool = True, **fields: object) -> User:  # fmt: skip
    n = next(_seq)
    user = User(
        email=email or f"user{n}@example.vn",
        full_name=fields.pop("full_name", f"Người dùng {n}"),
        password_hash=hash_password(fields.pop("password", PASSWORD)),
        email_verified_at=utcnow() if verified else None,
        role_rows=[UserRole(role=r) for r in roles],
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    if organization is not None:
        db.session.add(Membership(user_id=user.id, organization_id=organization.id))
        db.session.flush()
    return user


def make_call(regime_code: str = "TN-25/2025", status: str = "open", code: str | None = None, **fields: object) -> Call:
    """A call under a loaded regime (reference data must be loaded)."""
    regime = db.session.execute(db.select(Regime).where(Regime.code == regime_code)).scalar_one()
    categories = (
        db.session.execute(db.select(SupportCategory).where(SupportCategory.regime_id == regime.id)).scalars().all()
    )
    sectors = db.session.execute(db.select(Sector)).scalars().all()
    now = utcnow()
    call = Call(
        regime_id=regime.id,
        code=code or f"T-{next(_seq)}",
        title=fields.pop("title", "Đợt tiếp nhận hồ sơ thử nghiệm"),
        year=now.year,
        status=status,
        opens_at=fields.pop("opens_at", now - timedelta(days=1)),
        closes_at=fields.pop("closes_at", now + timedelta(days=30)),
        budget_vnd=fields.pop("budget_vnd", 5_000_000_000),
        categories=list(categories),
        sectors=list(sectors),
        documents=[CallDocument(position=1, name="Đơn đề nghị hỗ trợ", required=True)],
        **fields,
    )
    db.session.add(call)
    db.session.flush()
    return call
