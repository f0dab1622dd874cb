from django.urls import path

from workspace import views

app_name = "workspace"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("start/", views.after_login_view, name="after_login"),
    path("<slug:slug>/", views.home_view, name="organisation"),
    path("<slug:slug>/<slug:block>/", views.block_view, name="block"),
]
