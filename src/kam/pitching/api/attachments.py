"""A brief's attachments: listing, uploading (multipart), removing and downloading them. The file
itself is served only through this check of who asks, as an attachment of its recognised type."""

from datetime import datetime

from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from ninja import File, Schema, Status
from ninja.files import UploadedFile

from kam.core import attachments
from kam.core.api import ERRORS, Id
from kam.pitching import queries, services
from kam.pitching.api.common import PersonRef, person_ref, router
from kam.pitching.models import BriefAttachment

# What a download may be, for the OpenAPI document: each kind kam accepts, by its media type.
DOWNLOAD_TYPES = {
    content_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
    for _endings, content_type in attachments.KINDS.values()
}


class AttachmentOut(Schema):
    id: int
    brief_id: int
    name: str
    kind: str
    size: int
    uploaded_by: PersonRef
    uploaded_at: datetime
    download_url: str

    @staticmethod
    def resolve_uploaded_by(attachment: BriefAttachment) -> dict:
        return person_ref(attachment.uploaded_by)

    @staticmethod
    def resolve_download_url(attachment: BriefAttachment) -> str:
        return reverse("api:pitching_attachment_file", args=[attachment.pk])


@router.get(
    "/briefs/{brief_id}/attachments",
    response={200: list[AttachmentOut], **ERRORS},
    summary="The files sent with the brief",
)
def list_attachments(request: HttpRequest, brief_id: Id):
    brief = queries.get_brief_for(request.user, brief_id)
    return list(queries.attachments_of(brief))


@router.post(
    "/briefs/{brief_id}/attachments",
    response={201: AttachmentOut, **ERRORS},
    summary="Attach a file (multipart, field `file`): PDF, image, Office or text, size-limited",
)
def attach_file(request: HttpRequest, brief_id: Id, file: File[UploadedFile]):
    brief = queries.get_brief_for(request.user, brief_id)
    # One byte past the limit is enough for the service to refuse an oversized file; reading
    # the whole of it into memory is not needed.
    content = file.read(attachments.max_bytes() + 1)
    attachment = services.attach_file(
        by=request.user, brief=brief, name=file.name or "", content=content
    )
    return Status(201, attachment)


@router.delete(
    "/attachments/{attachment_id}",
    response={204: None, **ERRORS},
    summary="Remove a file from its brief",
)
def remove_attachment(request: HttpRequest, attachment_id: Id):
    attachment = queries.get_attachment_for(request.user, attachment_id)
    services.remove_attachment(by=request.user, attachment=attachment)
    return Status(204, None)


@router.get(
    "/attachments/{attachment_id}/file",
    response={200: None, **ERRORS},
    url_name="pitching_attachment_file",
    summary="Download the file",
    openapi_extra={"responses": {"200": {"content": DOWNLOAD_TYPES}}},
)
def download_attachment(request: HttpRequest, attachment_id: Id):
    attachment = queries.get_attachment_for(request.user, attachment_id)
    try:
        stream = attachment.file.open("rb")
    except FileNotFoundError as missing:
        # The row outlived its bytes (a restore without the media folder): nothing to serve.
        raise Http404 from missing
    return FileResponse(
        stream,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachments.content_type_of(attachment.kind),
    )
