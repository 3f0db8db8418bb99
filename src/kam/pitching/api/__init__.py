"""API of the pitching app: briefs (+ budget, weights, team, attachments), creative briefs, ideas
(+ reviews, shortlist), proposals and their versions (+ estimate lines, the margin gate, send,
feedback, approve, lose) and pitches; one module each, all adding their endpoints to one
router."""

from kam.pitching.api import (  # noqa: F401 - each module adds its endpoints to the router
    attachments,
    briefs,
    creative_briefs,
    estimate_lines,
    feedback,
    ideas,
    pitches,
    proposals,
    versions,
)
from kam.pitching.api.common import router

__all__ = ["router"]
