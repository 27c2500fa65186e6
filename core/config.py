"""Configuration: defaults here, overridden by instance/config.py, then by environment variables."""

import os
from datetime import timedelta

ENV_KEYS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_DEFAULT_SENDER",
    "SERVER_NAME",
    "PREFERRED_URL_SCHEME",
    "APPLICATION_ROOT",
    "DEMO_MODE",
    "UPLOAD_FOLDER",
    "CLAMD_SOCKET",
    "TRUSTED_HOSTS",
    "PROXY_FIX_HOPS",
    "OPEN_DATA_PREFIX",
    "OPEN_DATA_FUNDER_ID",
    "OPEN_DATA_LICENSE",
    "CACHE_TYPE",
    "CACHE_DIR",
    "CACHE_DEFAULT_TIMEOUT",
)
INT_KEYS = {"MAIL_PORT", "PROXY_FIX_HOPS", "CACHE_DEFAULT_TIMEOUT"}
BOOL_KEYS = {"MAIL_USE_TLS", "MAIL_USE_SSL", "DEMO_MODE"}
LIST_KEYS = {"TRUSTED_HOSTS"}  # comma-separated in the environment


class Defaults:
    """Safe production defaults; development and tests relax what they must."""

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # set from DATABASE_URL or instance/app.db
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # a whole request; one uploaded file is held to MAX_UPLOAD_MB
    MAX_UPLOAD_MB = 10
    UPLOAD_FOLDER: str | None = None  # instance/uploads unless set (shared storage when several hosts serve)
    # A DOCX or XLSX is a zip: one that would unpack past this many MB in all, or holds more parts than this, is
    # refused from its central directory, without unpacking it (a real application's documents are far below).
    MAX_OFFICE_UNCOMPRESSED_MB = 100
    MAX_OFFICE_MEMBERS = 2000
    # The Unix socket of ClamAV's daemon (clamd), e.g. /run/clamav/clamd.ctl: every upload is scanned there and
    # refused when infected or when the scan cannot be done. None: no virus scan.
    CLAMD_SOCKET: str | None = None
    CLAMD_TIMEOUT_SECONDS = 30  # per file; clamd's own StreamMaxLength must be at least MAX_UPLOAD_MB
    SIMILARITY_THRESHOLD = 0.6  # how alike two applications must be to be listed as possible duplicates
    # Mail providers anyone can use: sharing one of these domains says nothing about a conflict of interest.
    PUBLIC_MAIL_DOMAINS = (
        "gmail.com",
        "yahoo.com",
        "yahoo.com.vn",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "zoho.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "mail.com",
        "vnn.vn",
        "fpt.vn",
        "viettel.vn",
    )
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    BOOTSTRAP_SERVE_LOCAL = True
    # Links in mails are built from these alone (core.urls.external_url), never from a request's Host header; with
    # no SERVER_NAME a mail with a link is refused rather than sent pointing nowhere.
    SERVER_NAME: str | None = None
    PREFERRED_URL_SCHEME = "https"
    # The host names served (Flask refuses any other Host header with 400); unset, SERVER_NAME's host alone.
    TRUSTED_HOSTS: list[str] | None = None
    # How many reverse proxies in front are trusted for the client's address and scheme (X-Forwarded-For, -Proto).
    PROXY_FIX_HOPS = 0
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_DEFAULT_SENDER = "no-reply@skhcn.tayninh.gov.vn"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:600000"
    LOGIN_MAX_FAILURES = 5  # attempts per account (and wrong codes per user) in a window
    LOGIN_MAX_PER_ADDRESS = 20  # failed attempts from one client address in a window, whatever the accounts
    LOGIN_WINDOW_MINUTES = 15
    LOGIN_STEP_MINUTES = 5  # the time to give the second step after a right password
    # Sessions end after this long unused (the department's roles sooner), and in any case after the absolute
    # lifetime; "keep me signed in" (not for the department's roles) lasts REMEMBER_DAYS.
    SESSION_IDLE_MINUTES_DEPARTMENT = 30
    SESSION_IDLE_MINUTES = 120
    SESSION_ABSOLUTE_HOURS = 8
    REMEMBER_DAYS = 14
    REMEMBER_COOKIE_DURATION = timedelta(days=REMEMBER_DAYS)
    # Roles that must log in with a code from an authenticator app (council members too when the agency's settings
    # say so); the name the app shows the account under.
    TWO_FACTOR_ROLES = ("staff", "leader", "finance", "admin")
    TOTP_ISSUER = "SKHCN Tây Ninh"
    TOKEN_HOURS = {"verify_email": 48, "reset_password": 2, "invitation": 168}
    OUTBOX_MAX_ATTEMPTS = 6
    OUTBOX_BACKOFF_SECONDS = 60
    PAGE_SIZE = 25
    # A council's Excel export is built within the request up to this many applications; a larger one (42 s for
    # 11,000) by the scheduled `flask review build-exports`, and served once built.
    EXPORT_INLINE_APPLICATIONS = 500
    # The open data (reports/open_data.py, 360Giving): the publisher's grant-identifier prefix (360Giving gives one
    # on registration), the agency's organization identifier, and the licence the data is published under.
    OPEN_DATA_PREFIX = "360G-SKHCNTN"
    OPEN_DATA_FUNDER_ID = "VN-SKHCN-TAYNINH"
    OPEN_DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
    # The dashboard's and the public statistics' figures are kept this many seconds (reports/dashboard.py), by
    # default in each worker's memory; FileSystemCache with CACHE_DIR shares them between the workers of a host.
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 300
    DEMO_MODE = False


def from_environment() -> dict:
    """Read the recognised environment variables into config keys."""
    found: dict = {}
    for key in ENV_KEYS:
        if key not in os.environ:
            continue
        value: object = os.environ[key]
        if key in INT_KEYS:
            value = int(str(value))
        elif key in BOOL_KEYS:
            value = str(value).lower() in {"1", "true", "yes", "on"}
        elif key in LIST_KEYS:
            value = [part.strip() for part in str(value).split(",") if part.strip()]
        found["SQLALCHEMY_DATABASE_URI" if key == "DATABASE_URL" else key] = value
    return found


def normalize_database_url(url: str) -> str:
    """Use psycopg 3 for postgresql:// URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
