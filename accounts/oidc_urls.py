"""Identification addresses without a language prefix (config/urls.py mounts them at /oidc/): the one callback a
provider is told about, and the development identification provider (which answers only when it is switched on,
see accounts.dev_provider)."""

from django.urls import path

from accounts import dev_provider, views

app_name = "oidc"
urlpatterns = [
    path("callback/<slug:slug>/", views.oidc_callback, name="callback"),
    path("dev/", dev_provider.configuration, name="dev_issuer"),
    path("dev/.well-known/openid-configuration", dev_provider.configuration, name="dev_configuration"),
    path("dev/jwks/", dev_provider.jwks, name="dev_jwks"),
    path("dev/authorize/", dev_provider.authorize, name="dev_authorize"),
    path("dev/token/", dev_provider.token, name="dev_token"),
]
