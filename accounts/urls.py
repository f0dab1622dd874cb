from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

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
    path("profile/my-data.json", views.my_data_download, {"kind": "json"}, name="my_data_json"),
    path("profile/my-data.zip", views.my_data_download, {"kind": "zip"}, name="my_data_zip"),
    path("profile/delete/", views.account_delete, name="account_delete"),
    path("two-step/", views.two_factor_verify, name="two_factor_verify"),
    path("profile/two-step/", views.two_factor_setup, name="two_factor_setup"),
]
urlpatterns += [path("sign-in/<slug:slug>/", views.oidc_start, name="oidc_start")]

# Passwords: Django's own views and tokens (a reset link works once, for PASSWORD_RESET_TIMEOUT seconds), with our
# templates. The reset page answers the same whether or not the address has an account.
urlpatterns += [
    path(
        "password/reset/",
        password_reset_limited(
            auth_views.PasswordResetView.as_view(
                template_name="accounts/password_reset.html",
                email_template_name="accounts/emails/password_reset.txt",
                subject_template_name="accounts/emails/password_reset_subject.txt",
                form_class=PasswordResetRequestForm,
                success_url=reverse_lazy("accounts:password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            form_class=NoAutofocusSetPasswordForm,
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path(
        "password/change/",
        password_tries_limited(
            auth_views.PasswordChangeView.as_view(
                template_name="accounts/password_change.html",
                form_class=NoAutofocusPasswordChangeForm,
                success_url=reverse_lazy("accounts:password_change_done"),
            )
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
]
