from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import two_factor, two_factor_policy  # noqa: F401 (the policy's signal receivers)

        # Every log-in path (the site's, the admin's, identification) goes through login(), which sends this.
        user_logged_in.connect(two_factor.on_login, dispatch_uid="accounts.two_factor.on_login")
