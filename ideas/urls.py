from django.urls import path

from ideas import views
from ideas.views import exports, files, handling, merging, own_data, states
from ideas.views import moderation as moderation_views

app_name = "ideas"
urlpatterns = [
    path("", views.challenge_list_view, name="list"),
    path("my-ideas/", views.my_ideas_view, name="my_ideas"),
    path("new/", views.challenge_create_view, name="create"),
    path("feed/", views.OpenChallengesFeed(), name="feed"),
    path("feed/atom/", views.OpenChallengesAtomFeed(), name="feed_atom"),
    path("<int:pk>/", views.challenge_detail_view, name="detail"),
    path("<int:pk>/status/", views.challenge_status_view, name="status"),
    path("<int:pk>/edit/", views.challenge_edit_view, name="challenge_edit"),
    path("<int:pk>/send/", views.idea_send_view, name="send"),
    path("to/", views.organisation_choice_view, name="choose_organisation"),
    path("to/<int:organisation_pk>/send/", views.idea_send_to_organisation_view, name="send_to_organisation"),
    path("confirm/<str:token>/", views.idea_confirm_view, name="confirm"),
    path("ideas/<int:pk>/", views.idea_detail_view, name="idea"),
    path("ideas/<int:pk>/edit/", views.idea_edit_view, name="edit"),
    path("ideas/<int:pk>/delete/", views.idea_delete_view, name="delete"),
    path("ideas/<int:pk>/comment/", views.comment_add_view, name="comment"),
    *moderation_views.urls,
    path("ideas/<int:pk>/support/", views.support_view, name="support"),
    path("ideas/<int:pk>/state/", views.idea_state_view, name="state"),
    *files.urls,
    *states.urls,
    *handling.urls,
    *merging.urls,
    *exports.urls,
    *own_data.urls,
]
