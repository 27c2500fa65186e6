"""The migrations carry a database holding data up and down, and leave the schema the models describe."""

from flask_migrate import check, downgrade, upgrade
from sqlalchemy import text

from core.extensions import db
from tests.migrating import migrated


def test_upgrade_and_downgrade_a_database_with_data(database_url, tmp_path):
    with migrated(database_url, tmp_path):  # calls, applications in every screening state, a council scoring
        db.session.remove()
        # Tables that others refer to (calls, proposals) are rebuilt on SQLite: foreign keys must survive.
        downgrade(revision="0002_proposals")
        upgrade()
        check()  # the schema is the models' (exits non-zero otherwise)
        assert db.session.execute(text("SELECT count(*) FROM councils")).scalar() == 0
        assert db.session.execute(text("SELECT count(*) FROM proposals")).scalar() > 0


def test_the_ledger_migration_reproduces_every_projects_figures(database_url, tmp_path):
    """The demo's projects, taken back to 0004 (before the ledger) and upgraded again: their entries add up to the
    totals they had (paid, settled, decided to recover), and the figures themselves are unchanged."""
    figures = text("SELECT id, approved_vnd, paid_vnd, settled_vnd, recovery_vnd FROM projects ORDER BY id")
    sums = text(
        "SELECT project_id, kind, SUM(amount_vnd) FROM ledger_entries GROUP BY project_id, kind ORDER BY project_id"
    )
    with migrated(database_url, tmp_path):
        before = db.session.execute(figures).all()
        db.session.remove()
        downgrade(revision="0004_projects")
        upgrade()
        assert db.session.execute(figures).all() == before and len(before) > 5
        totals = {}
        for project_id, kind, amount in db.session.execute(sums):
            totals.setdefault(project_id, {})[kind] = amount
        for project_id, approved, paid, settled, recovery in before:
            books = totals[project_id]
            assert books["commitment"] == approved
            assert books.get("payment", 0) == paid and books.get("settlement", 0) == settled
            assert books.get("recovery_decided", 0) == recovery


def test_upgrading_gives_the_projects_of_an_application_its_scope(database_url, tmp_path):
    """0008_reports copies each project's work packages and budget lines from its application, the support scaled
    to the approved one; existing reports keep their texts."""
    from datetime import date

    from projects.contracts.models import Project
    from tests.factories import make_organization, make_project, make_user

    with migrated(database_url, tmp_path, demo=False) as app:
        from policies.loader import load_reference_data

        load_reference_data()
        host = make_user("host@congty.vn", organization=make_organization())
        with app.test_request_context():
            project = make_project(host, start_on=date(2026, 1, 1))
        db.session.execute(db.update(Project).where(Project.id == project.id).values(approved_vnd=200_000_001))
        db.session.execute(text("UPDATE periodic_reports SET progress = 'Nội dung cũ', status = 'accepted'"))
        db.session.commit()
        db.session.remove()
        downgrade(revision="0006_notifications")
        upgrade()
        lines = db.session.execute(
            text("SELECT requested_vnd, support_vnd FROM project_budget_lines ORDER BY position")
        ).all()
        assert [tuple(line) for line in lines] == [(200_000_000, 160_000_001), (50_000_000, 40_000_000)]
        names = db.session.execute(text("SELECT name FROM project_work_packages")).scalars().all()
        assert names == ["Lắp đặt hệ thống"]
        texts = db.session.execute(text("SELECT DISTINCT progress FROM periodic_reports")).scalars().all()
        assert texts == ["Nội dung cũ"]


def test_the_search_migration_indexes_the_existing_rows(database_url, tmp_path):
    """0011_search, run over a database holding data, fills the search indexes: existing organizations and
    applications are found through them, and new ones after; a later migration that rebuilds a table (0012_health
    on SQLite) leaves its index kept up to date; the duplicate check's index (of the titles since 0013 and 0014)
    proposes an application for its title's words."""
    from accounts.models import Organization
    from core.search import contains, ranked_ids
    from projects.contracts.models import Project
    from proposals.models import Proposal

    with migrated(database_url, tmp_path):
        organization, title = db.session.execute(
            db.select(Organization.name, Proposal.title).join(Proposal.organization).limit(1)
        ).one()
        db.session.remove()
        downgrade(revision="0010_results")  # the search migration and the ones after it
        upgrade()
        project_id = db.session.execute(text("SELECT min(id) FROM projects")).scalar()
        db.session.execute(
            text("UPDATE projects SET search_text = 'khu cong nghe cao' WHERE id = :id"), {"id": project_id}
        )
        found = db.session.execute(db.select(Project.id).where(contains(Project.search_text, "cong nghe cao")))
        assert found.scalars().all() == [project_id]
        found = db.session.execute(db.select(Organization.name).where(contains(Organization.search_text, organization)))
        assert organization in found.scalars().all()
        found = db.session.execute(db.select(Proposal.title).where(contains(Proposal.search_text, title)))
        assert title in found.scalars().all()
        first, match_text = db.session.execute(text("SELECT id, match_text FROM proposals ORDER BY id LIMIT 1")).one()
        words = match_text.partition("\n")[0].split()
        assert first in db.session.execute(ranked_ids(Proposal.match_text, words, 5)).scalars().all()


def test_the_queues_migration_counts_each_applications_submissions(database_url, tmp_path):
    """0025_waiting_queues fills each application's submissions and last submission from its versions: the demo's,
    taken back to 0024 and upgraded again, get what submitting gave them, a resubmitted one included."""
    counted = text("SELECT id, submissions, last_submitted_at FROM proposals ORDER BY id")
    versions = text(
        "SELECT p.id, count(v.id), max(v.submitted_at) FROM proposals p "
        "LEFT JOIN proposal_versions v ON v.proposal_id = p.id GROUP BY p.id ORDER BY p.id"
    )
    with migrated(database_url, tmp_path):
        assert [tuple(row) for row in db.session.execute(counted)] == [tuple(r) for r in db.session.execute(versions)]
        db.session.remove()
        downgrade(revision="0024_dashboard_indexes")
        resubmitted = db.session.execute(text("SELECT proposal_id FROM proposal_versions LIMIT 1")).scalar()
        db.session.execute(  # a second version, as a supplement answered gives
            text(
                "INSERT INTO proposal_versions (proposal_id, number, submitted_at, snapshot) "
                "VALUES (:id, 2, '2030-01-02 08:00:00', '{}')"
            ),
            {"id": resubmitted},
        )
        db.session.commit()
        db.session.remove()
        upgrade()
        after = {row.id: row for row in db.session.execute(counted)}
        assert {pid: (n, last) for pid, n, last in db.session.execute(versions)} == {
            pid: (row.submissions, row.last_submitted_at) for pid, row in after.items()
        }
        assert after[resubmitted].submissions == 2 and str(after[resubmitted].last_submitted_at).startswith(
            "2030-01-02"
        )
        assert any(row.submissions == 0 for row in after.values())
        searched = text("SELECT count(*) FROM proposals WHERE id IN (SELECT rowid FROM fts_proposals_search_text)")
        if db.engine.dialect.name == "sqlite":  # the rebuilt table's search triggers are back
            assert db.session.execute(searched).scalar() == len(after)


def test_the_acceptance_declarations_migration_keeps_what_members_did(database_url, tmp_path):
    """0031_acceptance_declarations: a member who submitted a rating, or sat on a concluded council, took part and
    reads 'no conflict'; every other seat waits for its member's declaration."""
    council = text(
        "INSERT INTO acceptance_councils (project_id, round, name, status, place, rating_rule, conclusions, "
        "created_at, version) VALUES (:project, :round, 'HĐ', :status, '', 'tt11_2014', '', '2026-01-05 08:00:00', 1)"
    )
    seat = text(
        "INSERT INTO acceptance_members (council_id, user_id, position, role, comment, submitted_at, version) "
        "SELECT id, :user, :position, 'member', '', :submitted, 1 FROM acceptance_councils WHERE round = :round"
    )
    seats = text(
        "SELECT c.status, m.submitted_at, m.conflict, m.declared_at FROM acceptance_members m "
        "JOIN acceptance_councils c ON c.id = m.council_id ORDER BY c.round, m.position"
    )
    with migrated(database_url, tmp_path):
        db.session.remove()
        downgrade(revision="0030_title_pairs")
        project = db.session.execute(text("SELECT min(id) FROM projects")).scalar()
        users = db.session.execute(text("SELECT id FROM users ORDER BY id LIMIT 2")).scalars().all()
        for number, status in ((1, "concluded"), (2, "rating")):
            db.session.execute(council, {"project": project, "round": number, "status": status})
            for position, (user, submitted) in enumerate(zip(users, ("2026-01-06 09:00:00", None), strict=True)):
                db.session.execute(seat, {"user": user, "position": position, "submitted": submitted, "round": number})
        db.session.commit()
        db.session.remove()
        upgrade()
        found = [
            (status, sent is not None, conflict, declared is not None)
            for status, sent, conflict, declared in (db.session.execute(seats))
        ]
        assert found == [
            ("concluded", True, "none", True),
            ("concluded", False, "none", True),  # the council concluded: the member took part
            ("rating", True, "none", True),
            ("rating", False, "pending", False),  # still to declare
        ]
