"""Reading the official documents back as their readers would: a PDF's text (pypdf), a Word file's text (python-docx)."""

import io

from docx import Document
from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """Every page's text."""
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    """The Word file's paragraphs, its tables' cells and its footer's fields, as Word would open them."""
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    footer = document.sections[0].footer._element.xml
    return "\n".join([p.text for p in document.paragraphs] + cells + [footer])
