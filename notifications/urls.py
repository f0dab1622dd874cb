from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("preferences/", views.preferences_view, name="preferences"),
    path("preferences/<str:token>/", views.preferences_by_link_view, name="preferences_link"),
]
