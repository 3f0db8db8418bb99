"""Every change to leads, opportunities, the pipeline's stages and hand-overs, one module per
part of growth; the rest of kam imports the services from here."""

from kam.growth.services import handovers, leads, pipeline
from kam.growth.services.handovers import (
    HANDOVER_FIELDS,
    accept_handover,
    hand_over_client,
    return_handover,
    update_handover,
)
from kam.growth.services.leads import LEAD_FIELDS, convert_lead, create_lead, update_lead
from kam.growth.services.pipeline import (
    OPPORTUNITY_FIELDS,
    STAGE_FIELDS,
    create_opportunity,
    create_stage,
    lose_opportunity,
    move_opportunity,
    open_renewal_opportunities,
    update_opportunity,
    update_stage,
    win_opportunity,
)

VERB_LABELS = {**pipeline.VERB_LABELS, **leads.VERB_LABELS, **handovers.VERB_LABELS}

__all__ = [
    "HANDOVER_FIELDS",
    "LEAD_FIELDS",
    "OPPORTUNITY_FIELDS",
    "STAGE_FIELDS",
    "VERB_LABELS",
    "accept_handover",
    "convert_lead",
    "create_lead",
    "create_opportunity",
    "create_stage",
    "hand_over_client",
    "lose_opportunity",
    "move_opportunity",
    "open_renewal_opportunities",
    "return_handover",
    "update_handover",
    "update_lead",
    "update_opportunity",
    "update_stage",
    "win_opportunity",
]
