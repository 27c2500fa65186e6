"""`flask seed-demo`: demonstration accounts, organizations, calls, applications, a council, a batch decision of fixed
amounts and a legacy portfolio (idempotent: what exists is left as it is)."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from accounts.services import hash_password
from admin.demo_accounts import seed_accounts
from admin.demo_applications import seed_applications
from admin.demo_calls import seed_calls
from admin.demo_councils import seed_council
from admin.demo_fixed import seed_fixed_awards
from admin.demo_projects import seed_legacy_projects
from core.extensions import db
from core.formatting import utcnow
from core.models import AgencySettings
from policies.loader import load_reference_data

DEMO_PASSWORD = "demo-2026-skhcn"


def seed_demo() -> None:
    """Create what is missing of the demo data."""
    load_reference_data()
    if db.session.execute(select(AgencySettings.id)).first() is None:
        db.session.add(AgencySettings(**AgencySettings.DEFAULTS))
    seed_accounts(hash_password(DEMO_PASSWORD))
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    seed_calls(now)
    db.session.flush()
    seed_applications()
    seed_council()
    seed_fixed_awards(now.date())
    seed_legacy_projects(now.date())


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load reference data and demo accounts, organizations and calls (idempotent)."""
    seed_demo()
    db.session.commit()
    click.echo(f"demo data ready; every demo account's password is {DEMO_PASSWORD}")
