from django.urls import path

from experiments import views

app_name = "experiments"
urlpatterns = [
    path("", views.experiment_list_view, name="list"),
    path("new/", views.experiment_create_view, name="create"),
    path("<int:pk>/", views.experiment_detail_view, name="detail"),
    path("<int:pk>/edit/", views.experiment_edit_view, name="edit"),
    path("<int:pk>/decide/", views.experiment_decide_view, name="decide"),
    path("<int:pk>/scale-up/", views.experiment_scale_up_view, name="scale_up"),
    path("<int:pk>/publish/", views.PAGES.publish, name="publish"),
    path("<int:pk>/unpublish/", views.PAGES.unpublish, name="unpublish"),
    path("<int:pk>/delete/", views.PAGES.delete, name="delete"),
]
