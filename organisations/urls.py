"""Organisation and network pages, mounted at the root of the language prefix (/fi/organisations/ …)."""

from django.urls import path

from organisations import views

app_name = "organisations"
urlpatterns = [
    path("organisations/", views.organisation_list, name="list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="detail"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="edit"),
    path("organisations/<slug:slug>/members/", views.organisation_members, name="members"),
    path("networks/", views.network_list, name="networks"),
    path("networks/new/", views.network_create, name="network_create"),
    path("networks/<slug:slug>/", views.network_detail, name="network"),
    path("networks/<slug:slug>/edit/", views.network_edit, name="network_edit"),
]
