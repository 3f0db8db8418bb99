from kam.insights.views import dashboards, health, surveys, targets, today

app_name = "insights"

urlpatterns = [
    *today.urlpatterns,
    *dashboards.urlpatterns,
    *health.urlpatterns,
    *targets.urlpatterns,
    *surveys.urlpatterns,
]
