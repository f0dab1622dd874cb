from django.urls import path

from core import views

# The front page and the open-data page join these under the same namespace (config/urls.py).
app_name = "core"
urlpatterns = [
    path("privacy/", views.legal_page, {"page": "privacy"}, name="privacy"),
    path("accessibility/", views.legal_page, {"page": "accessibility"}, name="accessibility"),
    path("terms/", views.legal_page, {"page": "terms"}, name="terms"),
]
