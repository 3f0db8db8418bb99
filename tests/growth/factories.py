from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import factory
from django.apps import apps
from django.utils import timezone

from kam.growth.models import Lead, Opportunity, Stage


def ensure_default_stages() -> None:
    """Put the migration's stages back: a transactional test (browser, concurrency) may follow
    another that emptied every table."""
    migration = import_module("kam.growth.migrations.0002_default_stages")
    migration.add_stages(apps, None)


def stage(position: int) -> Stage:
    """One of the default stages (10, 25, 50, 75, 90 %), by its position 1 to 5."""
    return Stage.objects.get(position=position)


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    company_name = factory.Sequence(lambda n: f"Công ty TNHH Triển vọng {n}")
    source = Lead.Source.REFERRAL
    contact_name = "Trần Văn Khách"
    estimated_amount = Decimal(500_000_000)
    created_by = factory.LazyAttribute(lambda lead: lead.owner)


class OpportunityFactory(factory.django.DjangoModelFactory):
    """An open opportunity in the first stage, closing in a month; `client` is required."""

    class Meta:
        model = Opportunity

    title = factory.Sequence(lambda n: f"Chiến dịch mở rộng {n}")
    kind = Opportunity.Kind.UPSELL
    owner = factory.LazyAttribute(lambda opportunity: opportunity.client.owner)
    value_amount = Decimal(1_000_000_000)
    stage = factory.LazyFunction(lambda: stage(1))
    probability = factory.LazyAttribute(lambda opportunity: opportunity.stage.probability)
    expected_close_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    created_by = factory.LazyAttribute(lambda opportunity: opportunity.owner)
