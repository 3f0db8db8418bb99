"""Briefs and ideas as rows, and the multi-step states (a shortlist, a proposal, a priced
version) through the real services."""

from decimal import Decimal

import factory
from django.utils import timezone

from kam.people.models import Department
from kam.pitching import services
from kam.pitching.models import Brief, Idea, Proposal, ProposalVersion
from tests.clients.factories import ClientFactory


class BriefFactory(factory.django.DjangoModelFactory):
    """A received brief on a key client, its KAM the client's owner."""

    class Meta:
        model = Brief

    client = factory.SubFactory(ClientFactory)
    title = factory.Sequence(lambda n: f"Chiến dịch Tết {n}")
    objectives = "Tăng nhận biết thương hiệu 20% trong mùa Tết"
    target_audience = "Mẹ bỉm sữa 25-40 tuổi ở thành thị"
    key_message = "Sữa Việt — trọn vị Tết sum vầy"
    mandatories = "Logo mới, không dùng màu đỏ đậm"
    channels = "TVC, social, KOL"
    kpis = "Reach 10 triệu, 500.000 lượt tương tác"
    budget_min_amount = Decimal(1_500_000_000)
    budget_max_amount = Decimal(2_000_000_000)
    received_on = factory.LazyFunction(timezone.localdate)
    owner = factory.LazyAttribute(lambda brief: brief.client.owner)
    created_by = factory.LazyAttribute(lambda brief: brief.owner)


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    brief = factory.SubFactory(BriefFactory)
    title = factory.Sequence(lambda n: f"Ý tưởng {n}")
    insight = "Tết là lúc cả nhà quây quần"
    description = "Chuỗi phim ngắn về bữa cơm Tết của ba thế hệ"
    channels = "TVC, TikTok"
    rough_cost_amount = Decimal(600_000_000)
    author = factory.LazyAttribute(lambda idea: idea.brief.owner)


def shortlisted_brief(*, client=None, shortlisted: int = 3, **fields) -> Brief:
    """A brief whose review shortlisted `shortlisted` ideas (and left one more off it)."""
    brief = BriefFactory(**({"client": client} if client else {}), **fields)
    IdeaFactory.create_batch(shortlisted, brief=brief, is_shortlisted=True)
    IdeaFactory(brief=brief, title="Ý tưởng bị loại")
    return brief


def open_proposal(*, by, client=None) -> Proposal:
    """A proposal with its first, empty draft version, on a brief with a shortlist of three."""
    brief = shortlisted_brief(client=client) if client else shortlisted_brief()
    return services.create_proposal(by=by, brief=brief)


def price(version: ProposalVersion, *, by, cost: int, price: int, fee_percent: int = 0):
    """Give a draft version one production line costing `cost` and priced `price` (VND)."""
    services.update_version(by=by, version=version, agency_fee_percent=Decimal(fee_percent))
    return services.add_estimate_line(
        by=by,
        version=version,
        kind="production",
        description="Sản xuất TVC 30 giây",
        quantity=Decimal(1),
        unit_cost_amount=Decimal(cost),
        unit_price_amount=Decimal(price),
    )


def department(code: str = "creative") -> Department:
    """One of the migration's departments (plan, event, creative, media, kol, production)."""
    return Department.objects.get(code=code)
