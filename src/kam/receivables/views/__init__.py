"""Pages of reconciliation and collections: the ageing of what clients owe, one client's
receivables, invoices and credit notes, payments and their allocation, reconciliation
statements and the client accountant's page behind the emailed link; and the panels
receivables serves on earlier apps' pages (the client, the contract)."""
