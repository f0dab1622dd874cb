from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("open-data/", views.open_data, name="open_data"),
    path("privacy/", views.legal_page, {"page": "privacy"}, name="privacy"),
    path("accessibility/", views.legal_page, {"page": "accessibility"}, name="accessibility"),
    path("terms/", views.legal_page, {"page": "terms"}, name="terms"),
]
