"""API of the growth app: the pipeline's stages, opportunities and forecast, leads, and
hand-overs; one module each, all adding their endpoints to one router."""

from kam.growth.api import (  # noqa: F401 - each module adds its endpoints to the router
    handovers,
    leads,
    pipeline,
)
from kam.growth.api.common import router

__all__ = ["router"]
