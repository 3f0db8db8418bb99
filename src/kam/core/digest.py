"""The daily digest: one email per person, assembled from sections that each app registers
(people: new API tokens; later apps: follow-ups due, overdue invoices, …). A person with nothing
to read gets no email."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _


@dataclass
class DigestSection:
    title: str
    lines: list[str] = field(default_factory=list)


SectionBuilder = Callable[..., DigestSection | None]
_SECTIONS: list[SectionBuilder] = []


def register_section(builder: SectionBuilder) -> None:
    """Add `builder(user, since) -> DigestSection | None` to the digest (from AppConfig.ready)."""
    if builder not in _SECTIONS:
        _SECTIONS.append(builder)


def compose_digest(user, since: datetime) -> list[DigestSection]:
    """The non-empty sections for one person, in the person's language."""
    with translation.override(user.language):
        sections = [builder(user, since) for builder in _SECTIONS]
    return [section for section in sections if section and section.lines]


def send_digest(user, since: datetime) -> bool:
    """Email the digest; returns whether there was anything to send."""
    sections = compose_digest(user, since)
    if not sections or not user.email:
        return False
    with translation.override(user.language):
        subject = _("kam: your daily digest")
        body = render_to_string("core/email/digest.txt", {"user": user, "sections": sections})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True
