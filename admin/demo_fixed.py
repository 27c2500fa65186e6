"""The demo's fixed-amount support: a batch decision of the rolling call TN-2026-SHTT approving its two checked
trademark applications, the first of them paid, taken through the real services (DOMAIN §6)."""

from datetime import date, timedelta

from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from core.register import next_number
from policies.models import Call
from projects.fixed import services as fixed
from projects.fixed.models import BatchDecision
from projects.fixed.queries import load_batch


def seed_fixed_awards(today: date) -> None:
    """Draft, approve and partly pay the batch, unless the call has one."""
    call = db.session.execute(select(Call).where(Call.code == "TN-2026-SHTT")).scalar_one()
    if db.session.execute(select(BatchDecision.id).where(BatchDecision.call_id == call.id)).first():
        return
    people = {u.email: u for u in db.session.execute(select(User).where(User.email.like("%@skhcn.demo"))).scalars()}
    chosen = [proposal.id for proposal, _amount in fixed.candidate_applications(call.id)]
    signed_on = today - timedelta(days=10)
    data = {
        "number": next_number("batch_decision", signed_on),
        "signed_on": signed_on,
        "signer": "Phó Giám đốc Nguyễn Văn Bình",
        "proposal_ids": chosen,
    }
    batch = load_batch(fixed.draft_batch(call, data, people["chuyenvien@skhcn.demo"]).id)
    fixed.decide_batch(batch, "approved", people["lanhdao@skhcn.demo"])
    fixed.pay_award(batch.awards[0], today - timedelta(days=3), "UNC SHTT-001", people["ketoan@skhcn.demo"])
