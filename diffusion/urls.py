from django.urls import path

from diffusion import views

app_name = "diffusion"
urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("overview/<str:figure>.<str:fmt>", views.overview_figure_view, name="overview_figure"),
    path("organisations.csv", views.organisations_csv_view, name="organisations_csv"),
    path("live-barometer/", views.live_barometer_view, name="live_barometer"),
    path("innovations/<int:pk>/", views.family_view, name="family"),
    path("innovations/<int:pk>/family.csv", views.family_csv_view, name="family_csv"),
    path(
        "source-suggestions/<int:pk>/confirm/", views.source_suggestion_confirm_view, name="source_suggestion_confirm"
    ),
    path(
        "source-suggestions/<int:pk>/dismiss/", views.source_suggestion_dismiss_view, name="source_suggestion_dismiss"
    ),
    # Before the figures' pattern, which would take any name.ext
    path(
        "innovations/<int:pk>/event-history.csv",
        views.family_event_history_csv_view,
        name="family_event_history_csv",
    ),
    path("themes/<slug:slug>/", views.theme_view, name="theme"),
    path("themes/<slug:slug>/event-history.csv", views.theme_event_history_csv_view, name="theme_event_history_csv"),
    path("innovations/<int:pk>/<str:figure>.<str:fmt>", views.figure_view, name="figure"),
    path("organisations/<int:pk>/innovativeness.<str:fmt>", views.organisation_figure_view, name="organisation_figure"),
]
