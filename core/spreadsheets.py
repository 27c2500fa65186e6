"""Staff lists as files they can work in, from one description of the columns: an Excel workbook or a CSV file.

The workbook (openpyxl's write-only mode, with lxml its streaming writer, saved to a spooled temporary file) opens
on a title row naming the list, its filters and the time of the export, over a frozen header with an autofilter;
columns have their widths, money is a number in a VND format, dates are dates shown dd/mm/yyyy, and what users
typed stays text (a cell typed as a string: Excel never reads it as a formula). The CSV file (UTF-8 with a byte
order mark, so that Excel reads Vietnamese) is the header and the rows, streamed, money as whole numbers, dates
dd/mm/yyyy, and a text that Excel would read as a formula prefixed by an apostrophe. Both take their rows from an
iterator, so memory stays flat whatever the size of the list."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from tempfile import SpooledTemporaryFile
from typing import IO

from flask import Response, send_file, stream_with_context
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.formatting import format_date, format_datetime, to_local, utcnow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {"money": '#,##0 "₫"', "date": "dd/mm/yyyy", "integer": "0", "number": "0.00"}
SPOOL_BYTES = 1 << 20  # a small workbook stays in memory, a large one goes to disk
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """A column: its heading, the kind of its values (text, money, date, integer or number: points to two decimals)
    and its width in characters."""

    title: str
    kind: str = "text"
    width: int = 14


@dataclass(frozen=True)
class Listing:
    """A list to export: its title, its filters as (label, value) pairs (a filter not set has no value), its
    columns, its rows (an iterator of sequences of values, in the columns' order) and the name of its sheet (the
    title unless given). A list not `titled` has no title row in its workbook: its header is the first row (open
    data, read by machines)."""

    title: str
    filters: Sequence[tuple[str, str | None]]
    columns: list[Column]
    rows: Iterable[Sequence[object]]
    sheet: str = ""
    titled: bool = True

    def heading(self) -> str:
        """The title row: the list, its filters set as "Label: value" (or "no filter"), the time of the export."""
        filters = "; ".join(f"{label}: {value}" for label, value in self.filters if value) or _("no filter")
        exported = format_datetime(utcnow())
        return _("%(title)s · %(filters)s · exported %(time)s", title=self.title, filters=filters, time=exported)


def listing_response(listing: Listing, form: str, filename: str) -> Response:
    """The list as an attachment "<filename>.xlsx" or ".csv" (form "xlsx" or "csv")."""
    if form == "csv":
        response = Response(stream_with_context(csv_lines(listing)), mimetype="text/csv; charset=utf-8")
        response.headers.set("Content-Disposition", "attachment", filename=f"{filename}.csv")
        return response
    return send_file(workbook(listing), mimetype=XLSX, as_attachment=True, download_name=f"{filename}.xlsx")


def workbook(*listings: Listing) -> IO[bytes]:
    """The lists as a workbook, a sheet each, returned at its start."""
    book = Workbook(write_only=True)  # each sheet is written to disk as it is appended
    for listing in listings:
        _append_sheet(book, listing)
    output = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by the response that sends it)
    book.save(output)
    output.seek(0)
    return output


def _append_sheet(book: Workbook, listing: Listing) -> None:
    sheet = book.create_sheet((listing.sheet or listing.title)[:31])
    header_row = 2 if listing.titled else 1
    sheet.freeze_panes = f"A{header_row + 1}"  # the title and the header stay in view
    for index, column in enumerate(listing.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    if listing.titled:
        title = WriteOnlyCell(sheet, value=listing.heading())
        title.font = Font(bold=True, size=12)
        sheet.append([title])
    bold = Font(bold=True)
    header = []
    for column in listing.columns:
        cell = WriteOnlyCell(sheet, value=column.title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in listing.rows:
        sheet.append([_cell(sheet, column, value) for column, value in zip(listing.columns, row, strict=True)])
        count += 1
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(listing.columns))}{count + header_row}"


def _cell(sheet: object, column: Column, value: object) -> WriteOnlyCell:
    if isinstance(value, datetime):
        value = to_local(value).date()  # a moment is listed by its local day
    cell = WriteOnlyCell(sheet, value=value)
    if value is None:
        return cell
    if column.kind in FORMATS:
        cell.number_format = FORMATS[column.kind]
    elif isinstance(value, str):
        cell.data_type = "s"  # text stays text, whatever it starts with
    return cell


def csv_lines(listing: Listing) -> Iterator[str]:
    """The CSV file, a line at a time: a byte order mark, the header, the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Sequence[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield "\ufeff" + line([column.title for column in listing.columns])
    for row in listing.rows:
        yield line([_csv_value(value) for value in row])


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, date):  # a moment by its local day
        return format_date(value)
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value
