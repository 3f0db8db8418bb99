import factory
from django.utils import timezone

from kam.clients.models import Client, Interaction, Stakeholder
from tests.people.factories import UserFactory


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    legal_name = factory.Sequence(lambda n: f"Công ty TNHH Khách hàng {n}")
    owner = factory.SubFactory(UserFactory, is_kam=True)
    tier = Client.Tier.KEY
    status = Client.Status.ACTIVE


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    client = factory.SubFactory(ClientFactory)
    full_name = factory.Sequence(lambda n: f"Trần Thị {n}")
    title = "Giám đốc Marketing"


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    client = factory.SubFactory(ClientFactory)
    kind = Interaction.Kind.MEETING
    happened_at = factory.LazyFunction(timezone.now)
    summary = "Họp khởi động"
    recorded_by = factory.LazyAttribute(lambda interaction: interaction.client.owner)
