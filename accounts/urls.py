from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.InnoverkkoLoginView.as_view(), name="login"),
    path("logout/", views.InnoverkkoLogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("profile/", views.profile, name="profile"),
]
urlpatterns += [path("sign-in/<slug:slug>/", views.oidc_start, name="oidc_start")]
