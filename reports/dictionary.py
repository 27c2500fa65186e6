"""The open data's dictionary: the columns of its flat files (CSV, Excel), each the standard's title with the kind and
width of its cells, where its value is in a JSON grant, and what it means (shown on the open-data page)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


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


def flat(grant: dict) -> list:
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
