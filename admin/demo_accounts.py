"""The demo's people: the department's staff, the reviewers and the applicant organizations with their users."""

from flask import current_app
from sqlalchemy import select

from accounts.models import Membership, Organization, User, UserRole
from core.extensions import db
from core.formatting import utcnow

STAFF = [
    ("admin@skhcn.demo", "Quản trị hệ thống", ("admin", "staff")),
    ("chuyenvien@skhcn.demo", "Nguyễn Thị Hồng Nhung", ("staff",)),
    ("lanhdao@skhcn.demo", "Trần Văn Đức", ("leader",)),
    ("ketoan@skhcn.demo", "Lê Thị Thu Hà", ("finance",)),
]
# The department's demo accounts log in with a second step, like real ones: their authenticator secrets are public
# (README, login page) so that anyone can add them to an app. Set only while DEMO_MODE is on.
DEMO_TOTP_SECRETS = {
    "admin@skhcn.demo": "GVC7ELOP3NFBEXBQZ63EA4XBV6SFMWAL",
    "chuyenvien@skhcn.demo": "FKSPU7SO5KZFE54XGQXZTU2Q6EOIQKRD",
    "lanhdao@skhcn.demo": "2LKWCPGR23XPJQZRUOMDAEEZTOEYA4AO",
    "ketoan@skhcn.demo": "BOVSATHPAZDJBT65XB7RX3DO54SOZ4PL",
}
REVIEWERS = [
    ("pgs.hung@hcmut.demo", "PGS.TS. Phạm Văn Hùng"),
    ("ts.lan@ctu.demo", "TS. Võ Thị Ngọc Lan"),
    ("ts.dung@iuh.demo", "TS. Đặng Quốc Dũng"),
    ("ths.tam@agri.demo", "ThS. Huỳnh Minh Tâm"),
    ("ts.phuong@hcmus.demo", "TS. Nguyễn Thị Phương"),
    ("ks.khoa@sct.demo", "KS. Lâm Đăng Khoa"),
    ("ts.binh@vaas.demo", "TS. Bùi Thanh Bình"),
    ("ths.yen@snn.demo", "ThS. Cao Thị Hải Yến"),
    ("ts.thanh@xanhlongan.demo", "TS. Đỗ Chí Thanh"),  # works for an applicant: a conflict to detect
]
ORGANIZATIONS = [
    {
        "org": dict(
            name="Công ty TNHH Nông sản Xanh Long An",
            tax_code="1101234567",
            org_type="sme",
            address="Số 12 đường Hùng Vương, phường Long An, tỉnh Tây Ninh",
            legacy_area="long_an",
            legal_rep_name="Đỗ Chí Thanh",
            legal_rep_title="Giám đốc",
            phone="0272 3826 111",
            email="lienhe@xanhlongan.demo",
            employees=45,
        ),
        "users": [("giamdoc@xanhlongan.demo", "Đỗ Minh Quân"), ("kehoach@xanhlongan.demo", "Phan Thị Mỹ Duyên")],
    },
    {
        "org": dict(
            name="Hợp tác xã Thanh long Châu Thành",
            tax_code="1101987659",
            org_type="cooperative",
            address="Ấp Phú Nhơn, xã Châu Thành, tỉnh Tây Ninh",
            legacy_area="long_an",
            legal_rep_name="Trương Văn Lực",
            legal_rep_title="Giám đốc HTX",
            phone="0272 3871 222",
            email="htxthanhlong@gmail.com",
            employees=30,
        ),
        "users": [("htx.thanhlong@gmail.com", "Trương Văn Lực")],
    },
    {
        "org": dict(
            name="Công ty Cổ phần Cơ khí Chính xác Tây Ninh",
            tax_code="3900876557",
            org_type="enterprise",
            address="Khu công nghiệp Trảng Bàng, phường Trảng Bàng, tỉnh Tây Ninh",
            legacy_area="tay_ninh",
            legal_rep_name="Lý Hoàng Nam",
            legal_rep_title="Tổng Giám đốc",
            phone="0276 3899 333",
            email="info@cokhitayninh.demo",
            employees=180,
        ),
        "users": [("nam.ly@cokhitayninh.demo", "Lý Hoàng Nam")],
    },
]


def _user(email: str, name: str, roles: tuple[str, ...], password: str) -> User:
    """The account with this email, created verified with the roles when it is missing."""
    existing = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if existing:
        return existing
    user = User(
        email=email,
        full_name=name,
        password_hash=password,
        email_verified_at=utcnow(),
        role_rows=[UserRole(role=r) for r in roles],
    )
    db.session.add(user)
    db.session.flush()
    return user


def seed_accounts(password_hash: str) -> None:
    """The demo accounts and organizations that are missing, every one with the same password."""
    for email, name, roles in STAFF:
        user = _user(email, name, roles, password_hash)
        if current_app.config["DEMO_MODE"] and not user.has_two_factor:
            user.totp_secret, user.totp_enabled_at = DEMO_TOTP_SECRETS[email], utcnow()
    for email, name in REVIEWERS:
        _user(email, name, ("reviewer",), password_hash)
    for spec in ORGANIZATIONS:
        org = db.session.execute(select(Organization).where(Organization.tax_code == spec["org"]["tax_code"])).scalar()
        if org is None:
            org = Organization(**spec["org"])
            db.session.add(org)
            db.session.flush()
        for email, name in spec["users"]:
            user = _user(email, name, ("applicant",), password_hash)
            if user.membership is None:
                db.session.add(Membership(user_id=user.id, organization_id=org.id))
