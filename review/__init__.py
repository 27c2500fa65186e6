"""Review: councils, conflicts of interest, score sheets, aggregation, ranking, minutes and decisions.

One subpackage per feature, each with its models, services, forms, queries and pages as it needs them:

- councils/   forming a council (members, the composition rule), assignments (conflicts of interest detected,
              reviewers), attendance and the council's moves;
- sheets/     a member's declaration of interests and score sheet, reopened by the chair or staff;
- results/    the arithmetic (scoring.py), aggregation and ranking, the printed records and the Excel export;
- decisions/  decisions approving support, approved by a leader, released all together;
- experts/    what members are expert in and where they worked, their affinity for an application, and the exact
              choice of reviewers over it.

Their pages share one blueprint, `review`, registered here.
"""

from flask import Blueprint, Flask

bp = Blueprint("review", __name__)


def init_app(app: Flask) -> None:
    """Register the blueprint with the pages of every feature, the names of its records in the audit log, its
        command group, the stored results' refresh when a call's budget envelope changes, and the decision listed on its
    application's page."""
    from policies.signals import budget_changed
    from proposals.signals import documents_wanted
    from review import audit  # noqa: F401 (names its records and actions in the audit log)
    from review.cli import review_cli
    from review.councils import views as council_views  # noqa: F401
    from review.decisions import views as decision_views  # noqa: F401
    from review.decisions.queries import application_decision
    from review.experts import views as expert_views  # noqa: F401
    from review.results import views as result_views  # noqa: F401
    from review.results.store import rerank_call
    from review.sheets import views as sheet_views  # noqa: F401

    app.register_blueprint(bp)
    app.cli.add_command(review_cli)
    budget_changed.connect(rerank_call, weak=False)
    documents_wanted.connect(application_decision, weak=False)
