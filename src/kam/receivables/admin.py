"""Receivables on the admin site: read only. Invoices, credit notes and payments change through
the services (and the database refuses any change to an issued document whatever the path)."""

from django.contrib import admin

from kam.core.admin import ReadOnlyAdmin
from kam.receivables.models import CreditNote, Invoice, Payment, Statement, VatRate


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "client", "status", "issued_on", "due_on", "total_vnd"]
    list_filter = ["status"]
    list_select_related = ["client"]
    search_fields = ["buyer_name", "series"]


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "client", "invoice", "issued_on", "total_vnd"]
    list_select_related = ["client", "invoice"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "client", "received_on", "amount", "allocated_amount"]
    list_select_related = ["client"]


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ["number", "client", "period_start", "period_end", "status"]
    list_select_related = ["client"]


@admin.register(VatRate)
class VatRateAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "percent", "valid_from", "valid_until", "note"]
