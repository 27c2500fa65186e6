"""The fixtures of the tests of who is told: a cast of people (some reading English, the others Vietnamese, an
inactive member and staff member and an administrator who are never told) and the starting states the flows walk from."""

from datetime import date, timedelta

import pytest
from flask import Flask

from accounts.models import User
from core.extensions import db
from proposals import services as proposals
from proposals.queries import load_proposal
from tests.factories import make_call, make_organization, make_project, make_proposal, make_user
from tests.notifications.councils import build_council
from tests.notifications.told import Cast


@pytest.fixture
def cast(app: Flask, reference: None) -> Cast:
    """The host organization's members (one reads English, one has left), an applicant of another organization, two
    staff members, two leaders and two finance officers (one of each reading English), a staff member who has left,
    and an administrator."""
    org = make_organization("Công ty TNHH Thanh Long Xanh")
    people = Cast(
        host=make_user("host@congty.vn", organization=org, full_name="Nguyễn Thị Hoa"),
        host_en=make_user("host.en@congty.vn", organization=org, locale="en", full_name="Lê Văn Nam"),
        host_gone=make_user("gone@congty.vn", organization=org, active=False),
        outsider=make_user("an@htxkhac.vn", organization=make_organization("Hợp tác xã Châu Thành")),
        staff=make_user("staff@skhcn.gov.vn", roles=("staff",), full_name="Trần Văn Sở"),
        staff_en=make_user("staff.en@skhcn.gov.vn", roles=("staff",), locale="en"),
        staff_gone=make_user("staff.gone@skhcn.gov.vn", roles=("staff",), active=False),
        leader=make_user("leader@skhcn.gov.vn", roles=("leader",)),
        leader_en=make_user("leader.en@skhcn.gov.vn", roles=("leader",), locale="en"),
        finance=make_user("finance@skhcn.gov.vn", roles=("finance",)),
        finance_en=make_user("finance.en@skhcn.gov.vn", roles=("finance",), locale="en"),
        admin=make_user("admin@skhcn.gov.vn", roles=("admin",)),
    )
    db.session.commit()
    return people


@pytest.fixture
def applying(app: Flask, cast: Cast) -> dict:
    """An open call the host organization applies to."""
    call = make_call()
    db.session.commit()
    return {"cast": cast, "call": call}


def submit(world: dict, by: str = "host", **overrides: object) -> object:
    """A complete application of the host organization, submitted."""
    cast = world["cast"]
    proposal = make_proposal(world["call"], cast[by], **overrides)
    proposals.submit_proposal(proposal, cast[by])
    return load_proposal(proposal.id)


def supplement_due() -> date:
    """A deadline a month ahead."""
    return date.today() + timedelta(days=30)


def deactivate(user: User) -> None:
    """The person leaves: inactive from now on."""
    user.active = False
    db.session.flush()


@pytest.fixture
def reviewing(cast: Cast) -> dict:
    """Three applications before a review council (tests/notifications/councils.py)."""
    return build_council(cast)


RATERS = tuple(f"r{i}" for i in range(5))


@pytest.fixture
def raters(cast: Cast) -> tuple[str, ...]:
    """Five reviewers for an acceptance council, one reading English."""
    for i, name in enumerate(RATERS):
        cast[name] = make_user(f"gv{i}@dhkt{i}.edu.vn", roles=("reviewer",), locale="en" if i == 1 else "vi")
    db.session.commit()
    return RATERS


@pytest.fixture
def running(app: Flask, cast: Cast, raters: tuple[str, ...]) -> dict:
    """A running project of the host organization (1/1–31/12/2026) whose application nobody checked: every staff
    member follows it."""
    running_project = make_project(cast["host"], staff=cast["staff"])
    db.session.commit()
    return {"cast": cast, "project": running_project}
