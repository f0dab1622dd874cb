"""Organisation and network pages, mounted at the root of the language prefix (/fi/organisations/ …)."""

from django.urls import path

from organisations import views, views_join, views_search

app_name = "organisations"
urlpatterns = [
    path("organisations/", views.organisation_list, name="list"),
    # Before <slug>: these addresses are reserved (organisations.services.RESERVED_SLUGS).
    path("organisations/search.json", views_search.organisation_search_view, name="search"),
    path("organisations/join/", views_join.join_request_view, name="join"),
    path("organisations/join-requests/", views_join.join_queue_view, name="join_queue"),
    path("organisations/join-requests/<int:pk>/", views_join.join_decide_view, name="join_decide"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="detail"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="edit"),
    path("organisations/<slug:slug>/members/", views.organisation_members, name="members"),
    path("networks/", views.network_list, name="networks"),
    path("networks/new/", views.network_create, name="network_create"),
    path("networks/<slug:slug>/", views.network_detail, name="network"),
    path("networks/<slug:slug>/edit/", views.network_edit, name="network_edit"),
]
