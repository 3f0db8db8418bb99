"""Signed links for people outside the agency (a client's accountant confirming a statement, a
stakeholder answering a survey): the link names one record and carries that record's current
nonce, so sending again replaces it; the record keeps its own expiry. No login is involved."""

import secrets

from django.core import signing
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.core.errors import DomainError


class LinkRefused(DomainError):
    """A tampered, expired or replaced link, or a document already answered."""

    status_code = 403


def new_nonce() -> str:
    return secrets.token_hex(16)


def link_token(salt: str, record: models.Model, nonce: str) -> str:
    # Not timestamped: the expiry is the record's own, stored when it was sent.
    return signing.Signer(salt=salt).sign_object({"s": record.pk, "n": nonce})


def record_from_link(salt: str, token: str, records: models.QuerySet) -> models.Model:
    """The record a link points at, if the link is genuine, not replaced by a later sending and
    not expired (`link_nonce` and `link_expires_at` on the record). Anything else is refused
    with the same message, so a refusal tells nothing about the record."""
    refused = LinkRefused(_("This link is not valid any more. Ask the agency for a new one."))
    try:
        data = signing.Signer(salt=salt).unsign_object(token)
        record = records.get(pk=data["s"])
    except (signing.BadSignature, records.model.DoesNotExist, KeyError, TypeError, ValueError):
        raise refused from None
    if not record.link_nonce or not secrets.compare_digest(
        str(data.get("n", "")), record.link_nonce
    ):
        raise refused
    if record.link_expires_at is None or record.link_expires_at < timezone.now():
        raise refused
    return record
