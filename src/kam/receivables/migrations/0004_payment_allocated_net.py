"""Each payment's allocations before VAT, kept beside `allocated_amount`: collected revenue is
counted before VAT like invoiced revenue, and attainment sums it from the payments instead of
joining every allocation of a period to its invoice. Filled in for the payments already here.

On SQLite a new NOT NULL column and a check constraint rebuild the table, which drops its
triggers: the payment's immutability triggers of 0002 are created again afterwards."""

import importlib
from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations, models

immutable = importlib.import_module(
    "kam.receivables.migrations.0002_immutable_documents_and_vat_rates"
)
PAYMENT_TRIGGERS = ("receivables_payment_frozen", "receivables_payment_kept")
BATCH = 2000


def fill_allocated_net(apps, schema_editor):
    Allocation = apps.get_model("receivables", "Allocation")
    Payment = apps.get_model("receivables", "Payment")
    net: dict[int, Decimal] = {}
    rows = Allocation.objects.values_list(
        "payment_id", "amount", "invoice__subtotal", "invoice__total"
    )
    for payment, amount, subtotal, total in rows.iterator(chunk_size=BATCH):
        # As kam.core.money.before_vat counts it, frozen here as this migration's own.
        part = (amount * subtotal / total).quantize(Decimal(1), ROUND_HALF_UP) if total else 0
        net[payment] = net.get(payment, Decimal(0)) + part
    payments = [Payment(pk=pk, allocated_net=amount) for pk, amount in net.items()]
    Payment.objects.bulk_update(payments, ["allocated_net"], batch_size=BATCH)


def restore_sqlite_payment_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in PAYMENT_TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in immutable.sqlite_triggers():
        if any(f"TRIGGER {name} " in statement for name in PAYMENT_TRIGGERS):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("receivables", "0003_covering_indexes"),
    ]

    operations = [
        # Undone last: the triggers come back after the rebuilds of undoing the two below.
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_payment_triggers),
        migrations.AddField(
            model_name="payment",
            name="allocated_net",
            field=models.DecimalField(
                decimal_places=0,
                default=0,
                max_digits=18,
                verbose_name="allocated before VAT (VND)",
            ),
        ),
        migrations.RunPython(fill_allocated_net, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=models.Q(("allocated_net__gte", 0))
                & models.Q(("allocated_net__lte", models.F("allocated_amount"))),
                name="receivables_payment_net_within_allocated",
            ),
        ),
        migrations.RunPython(restore_sqlite_payment_triggers, migrations.RunPython.noop),
    ]
