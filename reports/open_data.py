"""The funded projects as open data in the 360Giving Data Standard (1.4): one grant per project and per fixed amount
approved by a batch decision, as a JSON package, a CSV file and an Excel workbook of the same rows (the standard's
flat column titles, reports/dictionary.py), from the same records as the public lists (reports/public.py) and with
what they hide hidden: a recipient that is a person is a `recipientIndividual` with no name, after the 360Giving
guidance for grants to individuals.

Identifiers: a grant is OPEN_DATA_PREFIX-<project code>, or -<application code> for a fixed amount (stable: neither
code ever changes); a recipient organization is VN-MST-<tax code> (org-id.guide's prefix form, a local convention
for Vietnam's tax codes, stated on the data-dictionary page); the funder is OPEN_DATA_FUNDER_ID. Official data: the
words are Vietnamese whatever the reader's language.

A file is built once per state of the data (the projects, the fixed amounts with their decisions and applications,
the organizations, sectors, priority items and regimes, the agency's names and the settings above: their stamp names
the file), stored in the upload folder and served from there until the data changes, so that a public address costs
a request nothing after its first (writing 20,000 grants takes seconds; `flask open-data build` writes them ahead);
the records are read in batches, so memory stays flat."""

import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import cached_property
from operator import attrgetter
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from accounts.models import PERSONAL_ID_TYPES, Organization
from core.extensions import db
from core.formatting import local_today
from core.models import AgencySettings
from core.spreadsheets import XLSX, Column, Listing, csv_lines, workbook
from core.urls import external_url
from policies.models import Call, PriorityItem, Regime, Sector
from projects.contracts.models import LEGACY_AREAS, Project
from projects.fixed.models import BatchDecision, FixedAward
from proposals.files import upload_folder
from proposals.models import Proposal, proposal_priority_items
from reports.dictionary import FIELDS, flat
from reports.public import PublicFilter, awards_statement

VERSION = "1.4"
OPEN_DATA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8", "xlsx": XLSX}
BATCH = 500
INDIVIDUAL = "Cá nhân hoặc hộ kinh doanh"  # the name 360Giving's guidance gives a person's grant: what, not who
SECTORS = "Lĩnh vực ưu tiên của Kế hoạch 1821"  # the vocabulary of the sectors' classification
ITEMS = "Nội dung ưu tiên của Kế hoạch 1821"  # and of the priority items': "<sector>.<item>"


def _moment(value: datetime) -> str:
    """A stored (naive UTC) time in the date-time form the standard asks for."""
    return value.replace(tzinfo=UTC, microsecond=0).isoformat()


def _with_items(batches: Iterator[list], proposal_id: Callable) -> Iterator[tuple[Any, list[PriorityItem]]]:
    """Each record of each batch with the priority items its application named (one query a batch)."""
    named = proposal_priority_items.c
    for batch in batches:
        items: dict[int, list[PriorityItem]] = {}
        chosen = (
            select(named.proposal_id, PriorityItem)
            .join(PriorityItem, named.priority_item_id == PriorityItem.id)
            .options(joinedload(PriorityItem.sector))
            .where(named.proposal_id.in_({proposal_id(record) for record in batch} - {None}))
            .order_by(named.proposal_id, PriorityItem.number)
        )
        for application, item in db.session.execute(chosen):
            items.setdefault(application, []).append(item)
        for record in batch:
            yield record, items.get(proposal_id(record), [])


def projects() -> Iterator[tuple[Project, list[PriorityItem]]]:
    """Every funded project with what its grant needs and its application's priority items, the oldest contract
    first, BATCH at a time."""
    statement = (
        select(Project)
        .options(joinedload(Project.organization), joinedload(Project.sector), joinedload(Project.regime))
        .order_by(Project.signed_on, Project.id)
        .execution_options(yield_per=BATCH)
    )
    return _with_items(db.session.execute(statement).scalars().partitions(), attrgetter("proposal_id"))


def awards() -> Iterator[tuple[FixedAward, list[PriorityItem]]]:
    """Every fixed amount a batch decision approved (the public list's), with its application's regime and priority
    items, the oldest decision first, BATCH at a time."""
    statement = (
        awards_statement(PublicFilter())
        .options(contains_eager(FixedAward.proposal).joinedload(Proposal.call).joinedload(Call.regime))
        .order_by(None)
        .order_by(BatchDecision.signed_on, FixedAward.id)
        .execution_options(yield_per=BATCH)
    )
    return _with_items(db.session.execute(statement).scalars().partitions(), attrgetter("proposal_id"))


def _classified(sector: Sector | None, items: list[PriorityItem]) -> dict:
    """The classifications of a grant: its sector of Plan 1821, then the plan's priority items its application named."""
    found = [{"vocabulary": SECTORS, "code": str(sector.number), "title": sector.name}] if sector is not None else []
    found += [
        {"vocabulary": ITEMS, "code": f"{item.sector.number}.{item.number}", "title": item.text} for item in items
    ]
    return {"classifications": found} if found else {}


class Grants:
    """The grants of the funded projects with the package's metadata. Its addresses are absolute, built from the
    configured base URL (core.urls), so that a file is the same whichever request or command builds it."""

    def __init__(self) -> None:
        config = current_app.config
        agency = AgencySettings.current()
        self.agency_version = agency.version
        self.prefix = config["OPEN_DATA_PREFIX"]
        self.funder = {"id": config["OPEN_DATA_FUNDER_ID"], "name": agency.agency_name}
        self.license = config["OPEN_DATA_LICENSE"]
        self.source = self.address("json")

    @staticmethod
    def address(form: str) -> str:
        """The stable address of the file of a form (json, csv or xlsx)."""
        return external_url("reports.open_data_file", form=form)

    def stamp(self) -> str:
        """A name for the state of everything the grants are made of: it changes whenever a grant would."""
        state = select(
            select(func.count()).select_from(Project).scalar_subquery(),
            select(func.max(Project.modified_at)).scalar_subquery(),
            *(
                select(func.coalesce(func.sum(m.version), 0)).scalar_subquery()
                for m in (Organization, Sector, Regime, FixedAward, BatchDecision)
            ),
            select(func.count()).select_from(FixedAward).scalar_subquery(),
            select(func.coalesce(func.sum(Proposal.version), 0))
            .where(Proposal.id.in_(select(FixedAward.proposal_id)))
            .scalar_subquery(),
        )
        values = tuple(db.session.execute(state).one())
        items = db.session.execute(select(PriorityItem.id, PriorityItem.number, PriorityItem.text)).all()  # unversioned
        described = repr((values, items, self.agency_version, self.prefix, self.funder, self.license, self.source))
        return hashlib.sha256(described.encode()).hexdigest()[:24]

    @cached_property
    def newest(self) -> datetime | None:
        """The date of the data: when a project last changed."""
        return db.session.execute(select(func.max(Project.modified_at))).scalar()

    def grant(self, project: Project, items: list[PriorityItem]) -> dict:
        """The project as a 360Giving grant, classified by its sector and the priority items its application named."""
        regime = project.regime
        found = {
            "id": f"{self.prefix}-{project.code}",
            "title": project.title,
            "description": f"Hỗ trợ kinh phí thực hiện dự án khoa học và công nghệ theo {regime.code} ({regime.title}).",
            "currency": "VND",
            "amountAwarded": project.approved_vnd,
            "amountDisbursed": project.paid_vnd,
            "awardDate": project.signed_on.isoformat(),
            "plannedDates": [{"startDate": project.start_on.isoformat(), "endDate": project.end_on.isoformat()}],
            "fundingOrganization": [self.funder],
            "grantProgramme": [{"code": regime.code, "title": regime.title}],
            "fromOpenCall": "Yes" if project.call_id else "No",
            "url": external_url("reports.funded_project", project_id=project.id),
            "dateModified": _moment(project.modified_at),
            "dataSource": self.source,
        }
        found.update(self._recipient(project.organization, project.code))
        found.update(_classified(project.sector, items))
        if project.legacy_area:
            with force_locale("vi"):
                area = str(LEGACY_AREAS[project.legacy_area])
            found["beneficiaryLocation"] = [{"name": area, "countryCode": "VN"}]
        return found

    def award(self, award: FixedAward, items: list[PriorityItem]) -> dict:
        """A fixed amount as a 360Giving grant: the decision's date and number, paid or not yet. It has no public page
        of its own, and no dateModified (the file's stamp follows its changes)."""
        proposal, batch = award.proposal, award.batch
        regime = proposal.call.regime
        kind = f"Hỗ trợ theo định mức ({proposal.category.name})" if proposal.category else "Hỗ trợ theo định mức"
        found = {
            "id": f"{self.prefix}-{proposal.reference_code}",
            "title": proposal.title,
            "description": f"{kind} theo {regime.code} ({regime.title}), Quyết định số {batch.number}.",
            "currency": "VND",
            "amountAwarded": award.amount_vnd,
            "amountDisbursed": award.amount_vnd if award.status == "paid" else 0,
            "awardDate": batch.signed_on.isoformat(),
            "fundingOrganization": [self.funder],
            "grantProgramme": [{"code": regime.code, "title": regime.title}],
            "fromOpenCall": "Yes",
            "dataSource": self.source,
        }
        found.update(self._recipient(proposal.organization, proposal.reference_code))
        found.update(_classified(proposal.sector, items))
        return found

    def _recipient(self, organization: Organization, code: str) -> dict:
        if organization.org_type in PERSONAL_ID_TYPES:
            return {"recipientIndividual": {"id": f"{self.prefix}-IND-{code}", "name": INDIVIDUAL}}
        return {
            "recipientOrganization": [
                {"id": f"VN-MST-{organization.tax_code}", "name": organization.name, "addressCountry": "VN"}
            ]
        }

    def records(self) -> Iterator[dict]:
        """Every grant: the projects', then the fixed amounts'."""
        for project, items in projects():
            yield self.grant(project, items)
        for award, items in awards():
            yield self.award(award, items)

    def package(self) -> dict:
        """The package's metadata (without its grants): title, publisher, licence, the date of the data."""
        newest = self.newest
        return {
            "version": VERSION,
            "title": f"Các dự án được hỗ trợ — {self.funder['name']}",
            "description": "Các dự án khoa học và công nghệ được Sở hỗ trợ kinh phí, theo chuẩn dữ liệu 360Giving.",
            "modified": _moment(newest) if newest else local_today().isoformat(),
            "publisher": {"name": self.funder["name"], "identifier": self.funder["id"]},
            "license": self.license,
            "downloadURL": self.source,
            "accessURL": external_url("reports.open_data"),
        }

    def json_pieces(self) -> Iterator[str]:
        """The JSON package, a grant at a time: the metadata, then "grants"."""
        head = json.dumps(self.package(), ensure_ascii=False)
        yield head[:-1] + ', "grants": ['
        for index, grant in enumerate(self.records()):
            yield ("," if index else "") + json.dumps(grant, ensure_ascii=False)
        yield "]}"

    def listing(self) -> Listing:
        """The same grants as flat rows under the standard's column titles (for the CSV file and the workbook)."""
        return Listing(
            title="grants",
            filters=(),
            columns=[Column(field.title, field.kind, field.width) for field in FIELDS],
            rows=(flat(grant) for grant in self.records()),
            titled=False,
        )


def stored_file(form: str) -> Path:
    """The open data as a file of the form (json, csv or xlsx) for the data as it is now: the stored one, or built
    now (into a file of its own, then moved into place, so that a reader never sees half of it)."""
    grants = Grants()
    path = upload_folder() / f"open-data-{grants.stamp()}.{form}"
    if path.exists():
        return path
    partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}.part")
    with partial.open("wb") as output:
        if form == "json":
            output.writelines(piece.encode() for piece in grants.json_pieces())
        elif form == "csv":
            output.writelines(line.encode() for line in csv_lines(grants.listing()))
        else:
            shutil.copyfileobj(workbook(grants.listing()), output)
    os.replace(partial, path)
    for stale in path.parent.glob(f"open-data-*.{form}"):  # the files of earlier states of the data
        if stale != path:
            stale.unlink(missing_ok=True)
    return path
