from collections.abc import Callable
from typing import Any

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path, reverse_lazy

from accounts import views
from accounts.forms import NoAutofocusPasswordChangeForm, NoAutofocusSetPasswordForm, PasswordResetRequestForm
from accounts.limits import password_reset_limited, password_tries_limited

app_name = "accounts"
urlpatterns = [
    path("login/", views.InnoverkkoLoginView.as_view(), name="login"),
    path("logout/", views.InnoverkkoLogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("register/sent/", views.register_done, name="register_done"),
    path("verify/resend/", views.verification_resend, name="verification_resend"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("invitations/<int:pk>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<str:key>/", views.invitation, name="invitation"),
    path("profile/", views.profile, name="profile"),
    path("two-step/", views.two_factor_verify, name="two_factor_verify"),
    path("profile/two-step/", views.two_factor_setup, name="two_factor_setup"),
]
urlpatterns += [path("sign-in/<slug:slug>/", views.oidc_start, name="oidc_start")]

# Passwords: Django's own views and tokens (a reset link works once, for PASSWORD_RESET_TIMEOUT seconds), with our
# templates. The reset page answers the same whether or not the address has an account. One row a page: its
# address, Django's view, its name (which is also its template's), and the page it leads to after a success.
PASSWORD_PAGES: list[tuple[str, Any, str, str, dict[str, Any]]] = [  # Any: Django views of several generic bases
    (
        "password/reset/",
        auth_views.PasswordResetView,
        "password_reset",
        "password_reset_done",
        {
            "email_template_name": "accounts/emails/password_reset.txt",
            "subject_template_name": "accounts/emails/password_reset_subject.txt",
            "form_class": PasswordResetRequestForm,
        },
    ),
    ("password/reset/sent/", auth_views.PasswordResetDoneView, "password_reset_done", "", {}),
    (
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView,
        "password_reset_confirm",
        "password_reset_complete",
        {"form_class": NoAutofocusSetPasswordForm},
    ),
    ("password/reset/done/", auth_views.PasswordResetCompleteView, "password_reset_complete", "", {}),
    (
        "password/change/",
        auth_views.PasswordChangeView,
        "password_change",
        "password_change_done",
        {"form_class": NoAutofocusPasswordChangeForm},
    ),
    ("password/change/done/", auth_views.PasswordChangeDoneView, "password_change_done", "", {}),
]
# Asking for a reset link is limited per address and per mailbox; wrong current passwords per person.
LIMITED: dict[str, Callable[[Any], Any]] = {
    "password_reset": password_reset_limited,
    "password_change": password_tries_limited,
}


def _password_page(route: str, view: Any, name: str, success: str, options: dict[str, Any]) -> URLPattern:
    if success:
        options = {**options, "success_url": reverse_lazy(f"accounts:{success}")}
    page = view.as_view(template_name=f"accounts/{name}.html", **options)
    pattern: URLPattern = path(route, LIMITED.get(name, lambda view: view)(page), name=name)
    return pattern


urlpatterns += [_password_page(*page) for page in PASSWORD_PAGES]
