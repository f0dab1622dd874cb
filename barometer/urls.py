"""The barometer's pages. Each views module lists its own routes in `urls`."""

from django.urls import URLPattern

from barometer.answering import views as answering
from barometer.imports import views as imports
from barometer.questionnaires import views as questionnaires
from barometer.results import views as results
from barometer.rounds import views as rounds

app_name = "barometer"

urlpatterns: list[URLPattern] = [*answering.urls, *rounds.urls, *imports.urls, *questionnaires.urls, *results.urls]
