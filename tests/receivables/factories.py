"""Receivables through the real services: a client with its legal details and accountant, a
signed contract (VAT 8%, three milestones), Finance issuing invoices and recording payments."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from kam.clients.models import Client, Stakeholder
from kam.people.models import User
from kam.receivables import services
from kam.receivables.models import Invoice, Payment, VatRate
from kam.receivables.queries import vat_rates_on
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import signed_contract
from tests.people.factories import UserFactory


def reduced_rate_today() -> None:
    """The story invoices at the reduced 8%, which the law ends on 31/12/2026: on a later day the
    tests add a rate of their own from then on, so they tell the same story whenever they run
    (test_services checks the real dates)."""
    today = timezone.localdate()
    if not vat_rates_on(today).filter(code="8").exists():
        last = VatRate.objects.filter(code="8").order_by("-valid_from").first()
        VatRate.objects.create(
            code="8", label="8%", percent=8, valid_from=last.valid_until + timedelta(days=1)
        )


def billable_client(**fields) -> Client:
    """A client with what an invoice needs (legal name, address, tax code) and an accountant."""
    reduced_rate_today()
    client = ClientFactory(
        address=fields.pop("address", "25 Lê Duẩn, Phường Sài Gòn, TP. Hồ Chí Minh"),
        tax_code=fields.pop("tax_code", f"03{Client.objects.count() + 1:08d}"),
        **fields,
    )
    StakeholderFactory(
        client=client,
        full_name="Nguyễn Thị Kế Toán",
        title="Kế toán trưởng",
        decision_role=Stakeholder.DecisionRole.FINANCE,
        email="ketoan@khachhang.vn",
    )
    return client


def finance_user() -> User:
    return UserFactory(is_finance=True, username=f"finance{User.objects.count()}")


def draft(client: Client, *, by: User, amount: int = 100_000_000, vat_code: str = "8", **fields):
    return services.draft_invoice(
        by=by,
        client=client,
        lines=[
            services.LineInput(
                description=fields.pop("description", "Phí dịch vụ truyền thông"),
                unit_price=Decimal(amount),
                vat_code=vat_code,
            )
        ],
        **fields,
    )


def issued(
    client: Client, *, by: User, amount: int = 100_000_000, issued_on: date | None = None, **fields
) -> Invoice:
    """An invoice issued on `issued_on` (today): 8% VAT on `amount` unless told otherwise."""
    return services.issue_invoice(
        by=by, invoice=draft(client, by=by, amount=amount, **fields), issued_on=issued_on
    )


def paid(client: Client, amount: int, *, by: User, days_ago: int = 0, **fields) -> Payment:
    payment, _ = services.record_payment(
        by=by,
        client=client,
        amount=Decimal(amount),
        received_on=timezone.localdate() - timedelta(days=days_ago),
        **fields,
    )
    return payment


def milestone_contract(client: Client):
    """A signed contract of 2 tỷ with VAT 8% and milestones of 600, 800 and 600 triệu."""
    return signed_contract(client=client)
