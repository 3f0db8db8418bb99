"""Pages of budget control: the budget list and each budget's page, costs, re-baselines, the
margin guard's approvals, the week of hours, Finance's books and profitability; and the panels
budgets serves on earlier apps' pages (the project, the change request, the client's request)."""
