from django.urls import path

from lab import views

app_name = "lab"
urlpatterns = [
    path("<int:organisation_id>/", views.portfolio_view, name="portfolio"),
    path("<int:organisation_id>/portfolio.csv", views.portfolio_csv_view, name="csv"),
    path("<int:organisation_id>/portfolio.xlsx", views.portfolio_xlsx_view, name="xlsx"),
]
