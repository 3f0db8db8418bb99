"""A proposal version as a download: its estimate as a workbook, its summary as a PDF. Only for
those who see the version with its money (a department member gets the same 404 as a stranger)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kam.core.http import attachment_disposition
from kam.pitching import exports, queries

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"


@login_required
@require_GET
def version_estimate_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.get_version_for(request.user, pk)
    content = exports.estimate_xlsx(version)
    return _download(content, XLSX_TYPE, exports.file_name(version, _("estimate"), "xlsx"))


@login_required
@require_GET
def version_summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.get_version_for(request.user, pk)
    content = exports.summary_pdf(version, printed_by=request.user)
    return _download(content, PDF_TYPE, exports.file_name(version, _("summary"), "pdf"))


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(name)
    # An estimate is the agency's prices: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response
