"""Official documents (contracts, decisions, records) in three forms from one template: the print view, a PDF made on
the server by WeasyPrint, and a Word file made by html-for-docx for staff who adjust the wording before signing.

A document is always rendered in Vietnamese, whatever the reader's language: only the toolbar above the print view,
which never prints, speaks the reader's language. Its template extends `documents/_layout.html`, whose stylesheet
(`documents/documents.css`, inline so that no form fetches anything) serves the three forms. An administrator may
replace any of these files by one of the same name in the folder DOCUMENT_TEMPLATES (`instance/documents/` by
default; see the README)."""

import base64
import hashlib
import os
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from bs4 import BeautifulSoup
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from flask import Flask, make_response, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from html4docx import HtmlToDocx
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

from core.security import CSP

DOCUMENT_FORMS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# The margins of Decree 30/2020/NĐ-CP (top, bottom, left, right, in mm) and its type: Times New Roman, 13 pt.
MARGINS_MM = (20, 20, 30, 15)
FONT, FONT_PT = "Times New Roman", 13


def use_document_templates(app: Flask) -> None:
    """Templates under `documents/` are looked up in the administrator's folder first, then in the application's."""
    folder = app.config.get("DOCUMENT_TEMPLATES") or os.path.join(app.instance_path, "documents")
    documents = ChoiceLoader(
        [FileSystemLoader(folder), FileSystemLoader(os.path.join(app.template_folder, "documents"))]
    )
    app.jinja_loader = ChoiceLoader([PrefixLoader({"documents": documents}), app.jinja_loader])


def document_response(template: str, filename: str, form: str, **context: object) -> ResponseReturnValue:
    """The document as its print view (form "html"), or sent as an attachment "<filename>.pdf" or ".docx". The
    view's rules carry `form`, so the print view links to the other two forms of the same document."""
    if form == "html":
        html = official_html(template, toolbar=_toolbar(), **context)
        response = make_response(html)
        response.headers["Content-Security-Policy"] = _policy_for_the_stylesheet(html)
        return response
    html = official_html(template, toolbar=None, **context)
    data = _pdf(html) if form == "pdf" else _docx(html)
    return send_file(
        BytesIO(data), mimetype=DOCUMENT_FORMS[form], as_attachment=True, download_name=f"{filename}.{form}"
    )


def _policy_for_the_stylesheet(html: str) -> str:
    """The site's Content-Security-Policy, letting the browser apply the page's one inline stylesheet (by its hash):
    the print view carries its stylesheet in the page, as the PDF and the Word file do, so that an administrator's
    replacement of it serves the three forms alike."""
    start = html.index("<style>") + len("<style>")
    digest = hashlib.sha256(html[start : html.index("</style>", start)].encode()).digest()
    allowed = f"style-src 'self' 'sha256-{base64.b64encode(digest).decode()}'"
    return CSP.replace("style-src 'self'", allowed)


def _toolbar() -> dict:
    """The print view's links to the other forms, with the reader's words."""
    links = {other: url_for(request.endpoint, **{**request.view_args, "form": other}) for other in DOCUMENT_FORMS}
    return {"links": links, **reader_words()}


def reader_words() -> dict:
    """What a print view says to its reader above the document, never printed, in the reader's language (taken
    before the document is rendered in Vietnamese)."""
    locale = str(get_locale())
    return {
        "lang": locale,
        "words": {
            "back": _("Back"),
            "pdf": _("Download PDF"),
            "docx": _("Download Word (.docx)"),
            "print": _("Print with the browser (Ctrl+P): A4, numbered pages."),
            "note": _("Official documents are in Vietnamese: this is the document as it is signed.")
            if locale != "vi"
            else "",
        },
    }


def print_record(template: str, **context: object) -> str:
    """A record that has only its print view (a score sheet, the minutes, the application letter): in Vietnamese,
    with the reader's words as `reader`."""
    return official_html(template, reader=reader_words(), **context)


def official_html(template: str, **context: object) -> str:
    """The document's HTML, in Vietnamese."""
    with force_locale("vi"):
        return render_template(template, **context)


def _pdf(html: str) -> bytes:
    """A4 pages with their numbers (the stylesheet's @page rules); nothing is fetched, not even a local file."""
    from weasyprint import HTML, URLFetcher  # here, so that a machine without Pango runs all but the PDFs

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()


def _docx(html: str) -> bytes:
    """A Word document on A4 with the decree's margins and type, its pages numbered in the footer."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side, millimetres in zip(("top", "bottom", "left", "right"), MARGINS_MM, strict=True):
        setattr(section, f"{side}_margin", Mm(millimetres))
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(FONT_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    _number_pages(section.footer.paragraphs[0])
    HtmlToDocx().add_html_to_document(_word_ready(html), document)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _word_ready(html: str) -> str:
    """The HTML with its table cells' borders and alignment written on each cell and on the blocks inside it:
    html-for-docx applies the stylesheet's rules to paragraphs, not to cells. A grid's cells are ruled and aligned by
    their class (`num` right, `center` and headings centred); the cells of the letterhead and the signatures are
    centred, but for the recipients' list."""
    soup = BeautifulSoup(html, "html.parser")
    for table in soup.find_all("table"):
        grid = "grid" in table.get("class", [])
        for cell in table.find_all(["td", "th"]):
            classes = cell.get("class", [])
            if "num" in classes:
                align = "right"
            elif "center" in classes or cell.name == "th" or not (grid or "recipients" in classes):
                align = "center"
            else:
                align = "left"
            cell["style"] = f"text-align: {align}" + ("; border: 1px solid #000" if grid else "")
            for block in cell.find_all(["div", "p"]):
                block["style"] = f"text-align: {align}"
    return str(soup)


def _number_pages(paragraph: object) -> None:
    """A centred PAGE field, which Word fills with each page's number."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


@dataclass(frozen=True)
class OfficialDocument:
    """An official document of a record as the record's page lists it: its kind in the reader's language, its number
    and date, and the endpoint (with its arguments) that gives its three forms."""

    title: str
    number: str
    dated: date | None
    endpoint: str
    args: dict
