"""Triggers that make issued documents immutable in the database itself, so no path — a page, the
API, the admin, an import, a bulk `QuerySet.update()` or `.delete()` — can change or remove an
issued invoice, its lines, a credit note, a payment's amount or a confirmed statement. And the
VAT rates as data: the standard 10%, the reduced 8% with its decree dates, 5%, 0% and exempt."""

from datetime import date

from django.db import migrations

# An issued invoice changes only in how much of it is settled and whether it is disputed.
INVOICE_DOCUMENT_COLUMNS = [
    "client_id", "contract_id", "milestone_id", "series", "year", "number", "issued_on",
    "payment_terms_days", "due_on", "currency", "exchange_rate", "seller_name",
    "seller_tax_code", "seller_address", "buyer_name", "buyer_tax_code", "buyer_address",
    "note", "subtotal", "vat_amount", "total", "total_vnd", "replaces_id", "created_by_id",
    "issued_by_id", "created_at",
]  # fmt: skip
PAYMENT_DOCUMENT_COLUMNS = [
    "client_id", "received_on", "amount", "method", "bank_reference", "payer",
    "idempotency_key", "request_fingerprint", "recorded_by_id", "created_at",
]  # fmt: skip

ISSUED_INVOICE = "An issued invoice cannot be changed or deleted: issue a credit note."
ISSUED_LINE = "The lines of an issued invoice cannot be changed."
CREDIT_NOTE = "A credit note cannot be changed or deleted."
PAYMENT = "A recorded payment cannot be changed or deleted."
CONFIRMED = "A confirmed statement cannot be changed."
SENT_STATEMENT = "A sent statement cannot be deleted."


def _changed(columns: list[str], vendor: str) -> str:
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"NEW.{c} {differs} OLD.{c}" for c in columns)


INVOICE_UPDATE_REFUSED = (
    "OLD.status <> 'draft' AND (OLD.status = 'cancelled' OR ({changed})"
    " OR (NEW.status <> OLD.status AND NEW.status <> 'cancelled'))"
)


# SQLite has no TRUNCATE: emptying a database (Django's `flush`, which the test suite runs
# between transactional tests) deletes every row, which the triggers would refuse. A row in this
# table, which is no model and which `flush` therefore never touches, lets deletions through for
# that moment (tests/conftest.py). PostgreSQL's flush is a TRUNCATE, which row triggers ignore.
SQLITE_UNGUARDED = "receivables_unguarded"


def sqlite_triggers() -> list[str]:
    def trigger(name, event, table, when, message):
        if event == "DELETE":
            when = f"({when}) AND NOT EXISTS (SELECT 1 FROM {SQLITE_UNGUARDED})"
        return (
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW WHEN {when} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )

    line_of_issued = (
        "(SELECT status FROM receivables_invoice WHERE id = {row}.invoice_id) <> 'draft'"
    )
    return [
        f"CREATE TABLE {SQLITE_UNGUARDED} (reason text NOT NULL)",
        trigger(
            "receivables_invoice_frozen",
            "UPDATE",
            "receivables_invoice",
            INVOICE_UPDATE_REFUSED.format(changed=_changed(INVOICE_DOCUMENT_COLUMNS, "sqlite")),
            ISSUED_INVOICE,
        ),
        trigger(
            "receivables_invoice_kept",
            "DELETE",
            "receivables_invoice",
            "OLD.status <> 'draft'",
            ISSUED_INVOICE,
        ),
        trigger(
            "receivables_line_added",
            "INSERT",
            "receivables_invoiceline",
            line_of_issued.format(row="NEW"),
            ISSUED_LINE,
        ),
        trigger(
            "receivables_line_frozen",
            "UPDATE",
            "receivables_invoiceline",
            line_of_issued.format(row="OLD"),
            ISSUED_LINE,
        ),
        trigger(
            "receivables_line_kept",
            "DELETE",
            "receivables_invoiceline",
            line_of_issued.format(row="OLD"),
            ISSUED_LINE,
        ),
        trigger("receivables_credit_frozen", "UPDATE", "receivables_creditnote", "1", CREDIT_NOTE),
        trigger("receivables_credit_kept", "DELETE", "receivables_creditnote", "1", CREDIT_NOTE),
        trigger(
            "receivables_payment_frozen",
            "UPDATE",
            "receivables_payment",
            _changed(PAYMENT_DOCUMENT_COLUMNS, "sqlite"),
            PAYMENT,
        ),
        trigger("receivables_payment_kept", "DELETE", "receivables_payment", "1", PAYMENT),
        trigger(
            "receivables_statement_frozen",
            "UPDATE",
            "receivables_statement",
            "OLD.status = 'confirmed'",
            CONFIRMED,
        ),
        trigger(
            "receivables_statement_kept",
            "DELETE",
            "receivables_statement",
            "OLD.status <> 'draft'",
            SENT_STATEMENT,
        ),
    ]


SQLITE_TRIGGER_NAMES = [
    "receivables_invoice_frozen", "receivables_invoice_kept", "receivables_line_added",
    "receivables_line_frozen", "receivables_line_kept", "receivables_credit_frozen",
    "receivables_credit_kept", "receivables_payment_frozen", "receivables_payment_kept",
    "receivables_statement_frozen", "receivables_statement_kept",
]  # fmt: skip


def postgresql_triggers() -> list[str]:
    # One function raises the trigger's message as a check violation, which Django reads as an
    # IntegrityError, as SQLite's RAISE(ABORT) is.
    refuse = (
        "CREATE FUNCTION receivables_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'check_violation'; END $$"
    )
    line_guard = (
        "CREATE FUNCTION receivables_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE row_invoice bigint; BEGIN "
        "IF TG_OP = 'DELETE' THEN row_invoice := OLD.invoice_id; "
        "ELSE row_invoice := NEW.invoice_id; END IF; "
        "IF EXISTS (SELECT 1 FROM receivables_invoice WHERE id = row_invoice "
        "AND status <> 'draft') THEN "
        f"RAISE EXCEPTION '{ISSUED_LINE}' USING ERRCODE = 'check_violation'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
    )

    def trigger(name, event, table, when, message):
        condition = f"WHEN ({when}) " if when else ""
        return (
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW {condition}"
            f"EXECUTE FUNCTION receivables_refuse('{message}')"
        )

    return [
        refuse,
        line_guard,
        trigger(
            "receivables_invoice_frozen",
            "UPDATE",
            "receivables_invoice",
            INVOICE_UPDATE_REFUSED.format(
                changed=_changed(INVOICE_DOCUMENT_COLUMNS, "postgresql")
            ),
            ISSUED_INVOICE,
        ),
        trigger(
            "receivables_invoice_kept",
            "DELETE",
            "receivables_invoice",
            "OLD.status <> 'draft'",
            ISSUED_INVOICE,
        ),
        "CREATE TRIGGER receivables_line_guard BEFORE INSERT OR UPDATE OR DELETE ON "
        "receivables_invoiceline FOR EACH ROW EXECUTE FUNCTION receivables_line_guard()",
        trigger(
            "receivables_credit_frozen",
            "UPDATE OR DELETE",
            "receivables_creditnote",
            "",
            CREDIT_NOTE,
        ),
        trigger(
            "receivables_payment_frozen",
            "UPDATE",
            "receivables_payment",
            _changed(PAYMENT_DOCUMENT_COLUMNS, "postgresql"),
            PAYMENT,
        ),
        trigger("receivables_payment_kept", "DELETE", "receivables_payment", "", PAYMENT),
        trigger(
            "receivables_statement_frozen",
            "UPDATE",
            "receivables_statement",
            "OLD.status = 'confirmed'",
            CONFIRMED,
        ),
        trigger(
            "receivables_statement_kept",
            "DELETE",
            "receivables_statement",
            "OLD.status <> 'draft'",
            SENT_STATEMENT,
        ),
    ]


POSTGRESQL_DROP = [
    "DROP TRIGGER receivables_invoice_frozen ON receivables_invoice",
    "DROP TRIGGER receivables_invoice_kept ON receivables_invoice",
    "DROP TRIGGER receivables_line_guard ON receivables_invoiceline",
    "DROP TRIGGER receivables_credit_frozen ON receivables_creditnote",
    "DROP TRIGGER receivables_payment_frozen ON receivables_payment",
    "DROP TRIGGER receivables_payment_kept ON receivables_payment",
    "DROP TRIGGER receivables_statement_frozen ON receivables_statement",
    "DROP TRIGGER receivables_statement_kept ON receivables_statement",
    "DROP FUNCTION receivables_line_guard()",
    "DROP FUNCTION receivables_refuse()",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = postgresql_triggers() if vendor == "postgresql" else sqlite_triggers()
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = POSTGRESQL_DROP
    else:
        statements = [f"DROP TRIGGER {name}" for name in SQLITE_TRIGGER_NAMES]
        statements.append(f"DROP TABLE {SQLITE_UNGUARDED}")
    for statement in statements:
        schema_editor.execute(statement)


# The rates of Vietnam's VAT law (Luật Thuế GTGT 48/2024/QH15) and the reduced 8% of the decrees
# and resolution that set it, without a gap, from 1 Jan 2024 to 31 Dec 2026.
VAT_RATES = [
    ("10", "10%", "10", date(2000, 1, 1), None, "Luật Thuế GTGT"),
    ("8", "8%", "8", date(2024, 1, 1), date(2026, 12, 31),
     "NĐ 94/2023, NĐ 72/2024, NĐ 180/2024, NQ 204/2025/QH15"),
    ("5", "5%", "5", date(2000, 1, 1), None, "Luật Thuế GTGT"),
    ("0", "0%", "0", date(2000, 1, 1), None, "Luật Thuế GTGT"),
    ("exempt", "KCT", "0", date(2000, 1, 1), None, "Không chịu thuế GTGT"),
]  # fmt: skip


def add_vat_rates(apps, schema_editor):
    VatRate = apps.get_model("receivables", "VatRate")
    for code, label, percent, valid_from, valid_until, note in VAT_RATES:
        VatRate.objects.create(
            code=code,
            label=label,
            percent=percent,
            valid_from=valid_from,
            valid_until=valid_until,
            note=note,
        )


def remove_vat_rates(apps, schema_editor):
    apps.get_model("receivables", "VatRate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("receivables", "0001_initial")]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(add_vat_rates, remove_vat_rates),
    ]
