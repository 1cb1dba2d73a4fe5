"""The finished document: a neutral description of the report, rendered as DOCX and PDF."""

from bot.documents.model import DocumentCase, ReportDocument
from bot.documents.render import (
    DocumentFormat,
    RenderedDocuments,
    RenderedFile,
    build_document,
    file_name,
    parse_formats,
    render_document,
    render_report,
)

__all__ = [
    "DocumentCase",
    "DocumentFormat",
    "RenderedDocuments",
    "RenderedFile",
    "ReportDocument",
    "build_document",
    "file_name",
    "parse_formats",
    "render_document",
    "render_report",
]
