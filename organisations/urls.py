"""Organisation and network pages, mounted at the root of the language prefix (/fi/organisations/ …). Each views
module lists its own routes in `urls`."""

from django.urls import URLPattern

from organisations.views import join, organisations, search

app_name = "organisations"
urlpatterns: list[URLPattern] = [
    # Before organisations/<slug>/: these addresses are reserved (organisations.services.RESERVED_SLUGS).
    *search.urls,
    *join.urls,
    *organisations.urls,
]
