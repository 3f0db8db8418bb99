"""Every read of insights: attainment, surveys, health, the agenda, the dashboards."""

from kam.insights.queries.agenda import agenda_items
from kam.insights.queries.attainment import (
    Attainment,
    AttainmentRow,
    Commission,
    attainment_for,
    commission_of,
    kams_visible_to,
    revenue_by_kam,
    target_history,
    targets_visible_to,
    teams_in_view_of,
)
from kam.insights.queries.health import (
    current_score_of,
    health_for_list,
    health_visible_to,
    history_of,
)
from kam.insights.queries.surveys import (
    get_survey_for,
    low_scores_to_follow_up,
    results_by,
    results_of,
    surveys_for_list,
    surveys_visible_to,
)

__all__ = [
    "Attainment",
    "AttainmentRow",
    "Commission",
    "agenda_items",
    "attainment_for",
    "commission_of",
    "current_score_of",
    "get_survey_for",
    "health_for_list",
    "health_visible_to",
    "history_of",
    "kams_visible_to",
    "low_scores_to_follow_up",
    "results_by",
    "results_of",
    "revenue_by_kam",
    "surveys_for_list",
    "surveys_visible_to",
    "target_history",
    "targets_visible_to",
    "teams_in_view_of",
]
