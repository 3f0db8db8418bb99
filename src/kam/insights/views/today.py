"""Today is the home page (`core:home`): insights adds its items to everyone's agenda (low survey
scores to follow up, clients at risk, contracts to renew; `queries.agenda`) and the core ranks
them with the other apps'. It has no page of its own; the KAM's figures are on the portfolio
dashboard (`insights:portfolio`), since the core may not import insights."""

urlpatterns: list = []
