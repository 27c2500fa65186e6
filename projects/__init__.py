"""Funded projects, one subpackage per feature, each with its models, services, forms, queries and views:

- contracts/  the project record and its contract: the project page, its moves and documents, the contract of an
              approved application and its annex and scope, products and tranches (request, approval);
- money/      the ledger: payments, settlements, recoveries, the final account and the liquidation record;
- followup/   while it runs: periodic reports, inspections with their follow-up actions, adjustments;
- acceptance/ the final dossier, the acceptance council and its members' ratings (the grade in rating.py), the
              conclusion, and closing: result registration, settlement, assets, liquidation, recovery (their money in money/);
- fixed/      fixed-amount support: batch decisions of a call and their awards, paid without a contract;
- portfolio/  many projects at once: health (its rules in health.py, stored and refreshed by stored.py), the
              money summed per group (sums.py), the staff's monitoring page, the host's projects and to-do list.

Every page is on the one blueprint `projects` below, registered by init_app.
"""

from importlib import import_module

from flask import Blueprint, Flask

FEATURES = ("contracts", "money", "followup", "acceptance", "fixed", "portfolio")

bp = Blueprint("projects", __name__)


def init_app(app: Flask) -> None:
    """Register the blueprint with the pages of every feature (their views import the features' models), the names
        of its records in the audit log, the refresh of the stored health and sums and their commands, and the documents
    listed on a funded application's page, and the contract that keeps an approved application from giving its support
    back."""
    from projects.cli import projects_cli
    from projects.contracts.queries import contract_blocks_withdrawal
    from projects.official import application_documents
    from proposals.signals import documents_wanted
    from review.signals import withdrawal_blockers

    import_module("projects.audit")
    import_module("projects.portfolio.stored")
    import_module("projects.portfolio.sums")
    for feature in FEATURES:
        import_module(f"projects.{feature}.views")
    app.register_blueprint(bp)
    app.cli.add_command(projects_cli)
    documents_wanted.connect(application_documents, weak=False)
    withdrawal_blockers.connect(contract_blocks_withdrawal, weak=False)
