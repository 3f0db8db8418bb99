"""What the growth API's modules share: the router and the shapes of money and probability."""

from typing import Annotated

from ninja import Field, Router
from pydantic import Strict

router = Router(tags=["growth"])

# VND in whole dong, as a JSON number; no coercion of "5" and no fractions.
Amount = Annotated[int, Strict(), Field(ge=0, le=10**17)]
Probability = Annotated[int, Strict(), Field(ge=0, le=100)]
