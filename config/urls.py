"""URL map: pages under a language prefix (/fi/, /sv/, /en/), the API and the language switch without one."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.generic import RedirectView

from accounts import urls as account_urls
from accounts.limits import sign_in_limited
from config.api import api, unknown_endpoint
from core import urls as core_urls
from core.languages import set_language
from core.views import favicon
from innovations import urls as innovation_urls
from open_data import views as open_data_views
from personal_data import views as personal_data_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("favicon.ico", favicon),
    path("api/v1/", api.urls),
    path("oidc/", include("accounts.oidc_urls")),  # identification callback and the development provider
    re_path(r"^api/v1/(?P<rest>.*)$", unknown_endpoint),
]
urlpatterns += i18n_patterns(
    # The admin's own log-in takes passwords too: it counts with the site's log-in (accounts.limits).
    path("admin/login/", sign_in_limited(admin.site.login)),
    # The admin's password change checks the old password without a limit: the site's own page counts its tries.
    path("admin/password_change/", RedirectView.as_view(pattern_name="accounts:password_change")),
    path("admin/", admin.site.urls),
    # A person's own data and deleting the account stand above the apps but keep their `accounts:` names.
    path("accounts/", include((account_urls.urlpatterns + personal_data_views.urls, account_urls.app_name))),
    path("innovations/", include("innovations.urls")),
    path("diffusion/", include("diffusion.urls")),
    path("experiments/", include("experiments.urls")),
    path("lab/", include("lab.urls")),
    path("barometer/", include("barometer.urls")),
    path("challenges/", include("ideas.urls")),
    path("notifications/", include("notifications.urls")),
    path("workspace/", include("workspace.urls")),
    path("", include("organisations.urls")),
    # The front page and the open-data page live with the registry (innovations) but keep their `core:` names.
    path("", include((innovation_urls.core_urls + open_data_views.urls + core_urls.urlpatterns, core_urls.app_name))),
    prefix_default_language=True,
)
