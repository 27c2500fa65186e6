"""Formatting of money and dates the Vietnamese way, and parsing of money input."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_MONEY_INPUT = re.compile(r"^\d{1,3}([.,]\d{3})*$|^\d+$")


def format_money(amount: int | None) -> str:
    """1234567 → '1.234.567 ₫' (integer VND, no decimals)."""
    return "" if amount is None else format_amount(amount) + " ₫"


def format_amount(amount: int | None) -> str:
    """1234567 → '1.234.567': the figure alone, as an official document's tables of đồng write it."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,}".replace(",", ".")


def format_points(value: object, decimal_comma: bool = True) -> str:
    """Points to two decimals: '75,50' the Vietnamese way (or '75.50'); '—' when there is none."""
    if value is None:
        return "—"
    text = f"{value if isinstance(value, Decimal) else Decimal(str(value)):.2f}"
    return text.replace(".", ",") if decimal_comma else text


def parse_money(text: str) -> int:
    """Accept '1.234.567', '1234567', '1,234,567' (optionally with ₫/đ/VND); raise ValueError otherwise."""
    cleaned = text.strip().replace("₫", "").replace("VND", "").replace("vnd", "").strip()
    if cleaned.endswith(("đ", "Đ")):
        cleaned = cleaned[:-1].strip()
    cleaned = cleaned.replace(" ", "")
    if not _MONEY_INPUT.match(cleaned):
        raise ValueError(text)
    return int(cleaned.replace(".", "").replace(",", ""))


def to_local(moment: datetime) -> datetime:
    """A UTC (or naive UTC) datetime in Asia/Ho_Chi_Minh."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ)


def local_to_utc(moment: datetime) -> datetime:
    """A naive local (Asia/Ho_Chi_Minh) datetime as naive UTC, the form stored in the database."""
    return moment.replace(tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def utcnow() -> datetime:
    """The current time as naive UTC (the stored form)."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_today() -> date:
    """Today in Asia/Ho_Chi_Minh, the day deadlines are counted in."""
    return to_local(utcnow()).date()


def format_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy; datetimes are converted to local time first."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """HH:MM dd/mm/yyyy in local time."""
    if value is None:
        return ""
    return to_local(value).strftime("%H:%M %d/%m/%Y")


def format_long_date(value: date) -> str:
    """'ngày 18 tháng 6 năm 2024', the form written on official documents: a day below 10 and the months 1 and 2 take
    a leading zero (Decree 30/2020/NĐ-CP), as in 'ngày 05 tháng 02 năm 2026'."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def add_working_days(start: date, days: int, holidays: frozenset[date] = frozenset()) -> date:
    """The date `days` working days after start: Monday to Friday, except the given holidays (the caller loads them;
    policies.services.working_days_after reads the table of public holidays)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            days -= 1
    return current
