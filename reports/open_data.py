"""The funded projects as open data in the 360Giving Data Standard (1.4): one grant per project, as a JSON package,
a CSV file and an Excel workbook of the same rows (the standard's flat column titles), from the same records as the
public list (reports/public.py) and with what it hides hidden: a recipient that is a person is a
`recipientIndividual` with no name, after the 360Giving guidance for grants to individuals.

Identifiers: a grant is OPEN_DATA_PREFIX-<project code> (stable: a project's code never changes); a recipient
organization is VN-MST-<tax code> (org-id.guide's prefix form, a local convention for Vietnam's tax codes, stated on
the data-dictionary page); the funder is OPEN_DATA_FUNDER_ID. Official data: the words are Vietnamese whatever the
reader's language.

A file is built once per state of the data (the projects, their organizations, sectors and regimes, the agency's
names and the settings above: their stamp names the file), stored in the upload folder and served from there until
the data changes, so that a public address costs a request nothing after its first (writing 20,000 grants takes
seconds); the projects are read in batches, so memory stays flat."""

import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from accounts.models import PERSONAL_ID_TYPES, Organization
from core.extensions import db
from core.formatting import local_today
from core.models import AgencySettings
from core.spreadsheets import XLSX, Column, Listing, csv_lines, workbook
from policies.models import Regime, Sector
from projects.contracts.models import LEGACY_AREAS, Project
from proposals.files import upload_folder

VERSION = "1.4"
OPEN_DATA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8", "xlsx": XLSX}
BATCH = 500
INDIVIDUAL = "Cá nhân hoặc hộ kinh doanh"  # the name 360Giving's guidance gives a person's grant: what, not who
SECTORS = "Lĩnh vực ưu tiên của Kế hoạch 1821"  # the vocabulary of the sectors' classification


def _moment(value: datetime) -> str:
    """A stored (naive UTC) time in the date-time form the standard asks for."""
    return value.replace(tzinfo=UTC, microsecond=0).isoformat()


def projects() -> Iterator[Project]:
    """Every funded project with what its grant needs, the oldest contract first, BATCH at a time."""
    statement = (
        select(Project)
        .options(joinedload(Project.organization), joinedload(Project.sector), joinedload(Project.regime))
        .order_by(Project.signed_on, Project.id)
        .execution_options(yield_per=BATCH)
    )
    yield from db.session.execute(statement).scalars()


class Grants:
    """The grants of the funded projects with the package's metadata, read in one request context (the URLs are
    absolute and the agency's names read once)."""

    def __init__(self) -> None:
        config = current_app.config
        agency = AgencySettings.current()
        self.agency_version = agency.version
        self.prefix = config["OPEN_DATA_PREFIX"]
        self.funder = {"id": config["OPEN_DATA_FUNDER_ID"], "name": agency.agency_name}
        self.license = config["OPEN_DATA_LICENSE"]
        self.source = url_for("reports.open_data_file", form="json", _external=True)

    def stamp(self) -> str:
        """A name for the state of everything the grants are made of: it changes whenever a grant would."""
        state = select(
            select(func.count(Project.id)).scalar_subquery(),
            select(func.max(Project.modified_at)).scalar_subquery(),
            *(select(func.coalesce(func.sum(m.version), 0)).scalar_subquery() for m in (Organization, Sector, Regime)),
        )
        values = tuple(db.session.execute(state).one())
        described = repr((values, self.agency_version, self.prefix, self.funder, self.license, self.source))
        return hashlib.sha256(described.encode()).hexdigest()[:24]

    @cached_property
    def newest(self) -> datetime | None:
        """The date of the data: when a project last changed."""
        return db.session.execute(select(func.max(Project.modified_at))).scalar()

    def grant(self, project: Project) -> dict:
        """The project as a 360Giving grant."""
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
            "url": url_for("reports.funded_project", project_id=project.id, _external=True),
            "dateModified": _moment(project.modified_at),
            "dataSource": self.source,
        }
        organization = project.organization
        if organization.org_type in PERSONAL_ID_TYPES:
            found["recipientIndividual"] = {"id": f"{self.prefix}-IND-{project.code}", "name": INDIVIDUAL}
        else:
            found["recipientOrganization"] = [
                {"id": f"VN-MST-{organization.tax_code}", "name": organization.name, "addressCountry": "VN"}
            ]
        if project.sector is not None:
            sector = {"vocabulary": SECTORS, "code": str(project.sector.number), "title": project.sector.name}
            found["classifications"] = [sector]
        if project.legacy_area:
            with force_locale("vi"):
                area = str(LEGACY_AREAS[project.legacy_area])
            found["beneficiaryLocation"] = [{"name": area, "countryCode": "VN"}]
        return found

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
            "accessURL": url_for("reports.open_data", _external=True),
        }

    def json_pieces(self) -> Iterator[str]:
        """The JSON package, a grant at a time: the metadata, then "grants"."""
        head = json.dumps(self.package(), ensure_ascii=False)
        yield head[:-1] + ', "grants": ['
        for index, project in enumerate(projects()):
            yield ("," if index else "") + json.dumps(self.grant(project), ensure_ascii=False)
        yield "]}"

    def listing(self) -> Listing:
        """The same grants as flat rows under the standard's column titles (for the CSV file and the workbook)."""
        return Listing(
            title="grants",
            filters=(),
            columns=[Column(field.title, field.kind, field.width) for field in FIELDS],
            rows=(_flat(self.grant(project)) for project in projects()),
            titled=False,
        )


@dataclass(frozen=True)
class Field:
    """A column of the flat files: the standard's title, the kind and width of its cells in the workbook, where its
    value is in a grant (keys and list positions) and what it means."""

    title: str
    kind: str
    width: int
    path: tuple
    meaning: str

    @property
    def pointer(self) -> str:
        """Where the value is in the JSON grant, e.g. recipientOrganization[0].id."""
        return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in self.path).lstrip(".")


FIELDS = (
    Field(
        "Identifier",
        "text",
        24,
        ("id",),
        _l("The grant's identifier: the publisher's prefix and the project's code, stable for ever."),
    ),
    Field("Title", "text", 50, ("title",), _l("The project's title, as in its contract.")),
    Field("Description", "text", 60, ("description",), _l("What was supported, under which regime.")),
    Field("Currency", "text", 8, ("currency",), _l("Always VND (Vietnamese đồng).")),
    Field("Amount Awarded", "money", 16, ("amountAwarded",), _l("The support approved in the contract, in đồng.")),
    Field("Amount Disbursed", "money", 16, ("amountDisbursed",), _l("The support paid so far, in đồng.")),
    Field("Award Date", "text", 12, ("awardDate",), _l("The day the contract was signed (YYYY-MM-DD).")),
    Field(
        "Planned Dates:Start Date",
        "text",
        12,
        ("plannedDates", 0, "startDate"),
        _l("The first day of the project as contracted."),
    ),
    Field(
        "Planned Dates:End Date",
        "text",
        12,
        ("plannedDates", 0, "endDate"),
        _l("The last day of the project, moved by approved extensions."),
    ),
    Field(
        "Recipient Org:Identifier",
        "text",
        22,
        ("recipientOrganization", 0, "id"),
        _l("The recipient's tax code, written VN-MST- followed by the code."),
    ),
    Field(
        "Recipient Org:Name", "text", 40, ("recipientOrganization", 0, "name"), _l("The recipient organization's name.")
    ),
    Field(
        "Recipient Ind:Identifier",
        "text",
        22,
        ("recipientIndividual", "id"),
        _l("For an individual or a household business: an identifier that names no one."),
    ),
    Field(
        "Recipient Ind:Name",
        "text",
        28,
        ("recipientIndividual", "name"),
        _l("For an individual or a household business: only these words, never the person's name."),
    ),
    Field("Funding Org:Identifier", "text", 18, ("fundingOrganization", 0, "id"), _l("The department's identifier.")),
    Field("Funding Org:Name", "text", 40, ("fundingOrganization", 0, "name"), _l("The department's name.")),
    Field(
        "Grant Programme:Code",
        "text",
        14,
        ("grantProgramme", 0, "code"),
        _l("The code of the support regime (the policy the support was given under)."),
    ),
    Field("Grant Programme:Title", "text", 40, ("grantProgramme", 0, "title"), _l("The regime's title.")),
    Field(
        "Classifications:Vocabulary",
        "text",
        30,
        ("classifications", 0, "vocabulary"),
        _l("The list the classification comes from: the priority sectors of Plan 1821."),
    ),
    Field("Classifications:Code", "text", 10, ("classifications", 0, "code"), _l("The sector's number in Plan 1821.")),
    Field("Classifications:Title", "text", 40, ("classifications", 0, "title"), _l("The sector's name.")),
    Field(
        "Beneficiary Location:Name",
        "text",
        20,
        ("beneficiaryLocation", 0, "name"),
        _l("The former province the project belongs to (Long An or Tây Ninh), where known."),
    ),
    Field(
        "Beneficiary Location:Country Code",
        "text",
        10,
        ("beneficiaryLocation", 0, "countryCode"),
        _l("The country: VN (Viet Nam)."),
    ),
    Field(
        "From An Open Call?",
        "text",
        8,
        ("fromOpenCall",),
        _l("Yes when the project came from an open call for applications."),
    ),
    Field("URL", "text", 40, ("url",), _l("The project's public page.")),
    Field(
        "Last Modified",
        "text",
        22,
        ("dateModified",),
        _l("When anything of the project last changed (date and time, UTC)."),
    ),
    Field("Data Source", "text", 40, ("dataSource",), _l("The address of the JSON file this record comes from.")),
)


def _flat(grant: dict) -> list:
    """A grant's values in the order of FIELDS (None where it has none)."""
    row = []
    for field in FIELDS:
        value: object = grant
        for step in field.path:
            try:
                value = value[step]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                value = None
                break
        row.append(value)
    return row


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
