from django.urls import path

from kam.pitching.views import briefs, exports, ideas, proposals

app_name = "pitching"
urlpatterns = [
    # Briefs
    path("briefs/", briefs.brief_list, name="brief_list"),
    path("briefs/new/", briefs.brief_create, name="brief_create"),
    path("briefs/<int:pk>/", briefs.brief_detail, name="brief_detail"),
    path("briefs/<int:pk>/edit/", briefs.brief_edit, name="brief_edit"),
    path("briefs/<int:pk>/budget/", briefs.brief_budget, name="brief_budget"),
    path("briefs/<int:pk>/weights/", briefs.brief_weights, name="brief_weights"),
    path("briefs/<int:pk>/cancel/", briefs.brief_cancel, name="brief_cancel"),
    path("briefs/<int:pk>/team/", briefs.brief_member_add, name="brief_member_add"),
    path("briefs/<int:pk>/team/remove/", briefs.brief_member_remove, name="brief_member_remove"),
    path("briefs/<int:pk>/attachments/", briefs.attachment_add, name="attachment_add"),
    path("brief-attachments/<int:pk>/", briefs.attachment_download, name="attachment_download"),
    path("brief-attachments/<int:pk>/remove/", briefs.attachment_remove, name="attachment_remove"),
    path(
        "briefs/<int:pk>/creative-brief/",
        briefs.creative_brief_create,
        name="creative_brief_create",
    ),
    path("creative-briefs/<int:pk>/edit/", briefs.creative_brief_edit, name="creative_brief_edit"),
    path(
        "creative-briefs/<int:pk>/ready/",
        briefs.creative_brief_ready,
        name="creative_brief_ready",
    ),
    path("clients/<int:pk>/briefs/", briefs.client_panel, name="client_panel"),
    # Ideas and the internal review
    path("briefs/<int:pk>/ideas/", ideas.idea_add, name="idea_add"),
    path("ideas/<int:pk>/edit/", ideas.idea_edit, name="idea_edit"),
    path("ideas/<int:pk>/review/", ideas.idea_review, name="idea_review"),
    path("ideas/<int:pk>/shortlist/", ideas.idea_shortlist, name="idea_shortlist"),
    path("ideas/<int:pk>/unshortlist/", ideas.idea_unshortlist, name="idea_unshortlist"),
    path("briefs/<int:pk>/proposal/", ideas.proposal_create, name="proposal_create"),
    # Proposals
    path("proposals/", proposals.proposal_list, name="proposal_list"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/revise/", proposals.proposal_revise, name="proposal_revise"),
    path("proposals/<int:pk>/approve/", proposals.proposal_approve, name="proposal_approve"),
    path("proposals/<int:pk>/lose/", proposals.proposal_lose, name="proposal_lose"),
    path("proposals/<int:pk>/pitches/new/", proposals.pitch_create, name="pitch_create"),
    path("pitches/<int:pk>/edit/", proposals.pitch_edit, name="pitch_edit"),
    path("proposal-versions/<int:pk>/edit/", proposals.version_edit, name="version_edit"),
    path("proposal-versions/<int:pk>/lines/", proposals.line_add, name="line_add"),
    path("proposal-versions/<int:pk>/send/", proposals.version_send, name="version_send"),
    path(
        "proposal-versions/<int:pk>/request-approval/",
        proposals.version_request_approval,
        name="version_request_approval",
    ),
    path(
        "proposal-versions/<int:pk>/approve-margin/",
        proposals.version_approve_margin,
        name="version_approve_margin",
    ),
    path(
        "proposal-versions/<int:pk>/decline-margin/",
        proposals.version_decline_margin,
        name="version_decline_margin",
    ),
    path(
        "proposal-versions/<int:pk>/feedback/",
        proposals.version_feedback,
        name="version_feedback",
    ),
    path(
        "proposal-versions/<int:pk>/estimate.xlsx",
        exports.version_estimate_xlsx,
        name="version_estimate_xlsx",
    ),
    path(
        "proposal-versions/<int:pk>/summary.pdf",
        exports.version_summary_pdf,
        name="version_summary_pdf",
    ),
    path("estimate-lines/<int:pk>/edit/", proposals.line_edit, name="line_edit"),
    path("estimate-lines/<int:pk>/remove/", proposals.line_remove, name="line_remove"),
]
