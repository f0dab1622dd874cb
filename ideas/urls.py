"""The co-development pages. Each views module lists its own routes in `urls`."""

from django.urls import URLPattern

from ideas.views import challenges, exports, files, handling, ideas, merging, moderation, own_data, states

app_name = "ideas"
urlpatterns: list[URLPattern] = [
    *challenges.urls,
    *ideas.urls,
    *moderation.urls,
    *files.urls,
    *states.urls,
    *handling.urls,
    *merging.urls,
    *exports.urls,
    *own_data.urls,
]
