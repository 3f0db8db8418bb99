from django.urls import path

from kam.receivables.views import collections, invoices, payments, public, statements

app_name = "receivables"

urlpatterns = [
    # Receivables: ageing of every visible client, one client's account, the panels.
    path("receivables/", collections.ageing, name="ageing"),
    path(
        "clients/<int:pk>/receivables/", collections.client_receivables, name="client_receivables"
    ),
    path("clients/<int:pk>/receivables/panel/", collections.client_panel, name="client_panel"),
    path("contracts/<int:pk>/invoicing/", invoices.contract_panel, name="contract_panel"),
    path("clients/<int:pk>/promises/new/", collections.promise_create, name="promise_create"),
    path("clients/<int:pk>/collection-calls/new/", collections.call_create, name="call_create"),
    # Invoices and credit notes.
    path("invoices/", invoices.invoice_list, name="invoice_list"),
    path("invoices/new/", invoices.invoice_create, name="invoice_create"),
    path("milestones/<int:pk>/invoice/", invoices.milestone_invoice, name="milestone_invoice"),
    path("invoices/<int:pk>/", invoices.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/edit/", invoices.invoice_edit, name="invoice_edit"),
    path("invoices/<int:pk>/delete/", invoices.invoice_delete, name="invoice_delete"),
    path("invoices/<int:pk>/issue/", invoices.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/credit/", invoices.invoice_credit, name="invoice_credit"),
    path("invoices/<int:pk>/cancel/", invoices.invoice_cancel, name="invoice_cancel"),
    path("invoices/<int:pk>/replace/", invoices.invoice_replace, name="invoice_replace"),
    path("invoices/<int:pk>/dispute/", invoices.invoice_dispute, name="invoice_dispute"),
    path(
        "invoices/<int:pk>/dispute/settle/",
        invoices.invoice_dispute_settle,
        name="invoice_dispute_settle",
    ),
    path("invoices/<int:pk>/pdf/", invoices.invoice_pdf, name="invoice_pdf"),
    path("credit-notes/<int:pk>/", invoices.credit_note_detail, name="credit_note_detail"),
    # Payments and their allocation.
    path("payments/", payments.payment_list, name="payment_list"),
    path("payments/new/", payments.payment_create, name="payment_create"),
    path("payments/<int:pk>/", payments.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/allocate/", payments.payment_allocate, name="payment_allocate"),
    path(
        "payments/<int:pk>/allocate/oldest-first/",
        payments.payment_allocate_oldest,
        name="payment_allocate_oldest",
    ),
    path("allocations/<int:pk>/remove/", payments.allocation_remove, name="allocation_remove"),
    # Reconciliation statements, and the client's page behind the emailed link.
    path("statements/", statements.statement_list, name="statement_list"),
    path("statements/new/", statements.statement_create, name="statement_create"),
    path("statements/<int:pk>/", statements.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/send/", statements.statement_send, name="statement_send"),
    path("statements/<int:pk>/delete/", statements.statement_delete, name="statement_delete"),
    path("statements/<int:pk>/settle/", statements.statement_settle, name="statement_settle"),
    path("statements/<int:pk>/pdf/", statements.statement_pdf, name="statement_pdf"),
    path("statements/<int:pk>/xlsx/", statements.statement_xlsx, name="statement_xlsx"),
    path("s/<str:token>/", public.statement_public, name="statement_public"),
]
