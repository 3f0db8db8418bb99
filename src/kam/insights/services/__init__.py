"""Every change insights makes: targets, surveys, account health."""

from kam.insights.services import health, surveys, targets
from kam.insights.services.health import recompute_health, recompute_health_of
from kam.insights.services.surveys import (
    answer_survey,
    email_survey,
    follow_up_survey,
    person_to_ask,
    resend_survey,
    send_due_surveys,
    send_survey,
    survey_from_link,
)
from kam.insights.services.targets import adjust_target, set_target

VERB_LABELS = {**targets.VERB_LABELS, **surveys.VERB_LABELS}

__all__ = [
    "VERB_LABELS",
    "adjust_target",
    "answer_survey",
    "email_survey",
    "follow_up_survey",
    "health",
    "person_to_ask",
    "recompute_health",
    "recompute_health_of",
    "resend_survey",
    "send_due_surveys",
    "send_survey",
    "set_target",
    "survey_from_link",
    "surveys",
    "targets",
]
