"""The barometer's pages. Each views module lists its own routes in `urls`."""

from django.urls import URLPattern

from barometer.views import answering, imports, questionnaires, results, rounds

app_name = "barometer"

urlpatterns: list[URLPattern] = [*answering.urls, *rounds.urls, *imports.urls, *questionnaires.urls, *results.urls]
