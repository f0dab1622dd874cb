"""Django settings, all read from the typed environment schema in config/env.py."""

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env

DEBUG = env.debug
SECRET_KEY = env.secret_key
ALLOWED_HOSTS = env.allowed_hosts
CSRF_TRUSTED_ORIGINS = env.csrf_trusted_origins

INSTALLED_APPS = [
    # modeltranslation must come before the admin so that the admin shows the language columns.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "ninja",
    "core",
    "accounts",
    "organisations",
    "innovations",
    "experiments",
    "lab",
    "audit",
    "barometer",
    "ideas",
    # The search across the platform: its analysis of Finnish, and rebuilding every record's search document.
    "search",
    "notifications",
    "workspace",
    "diffusion",
    # A person's own data (its export and deleting the account) spans every app (no models; its templates).
    "personal_data",
    # Last: the demo data stands on every other app (and has no models).
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A person with two-step sign-in is signed in only after the code, whichever log-in page they used.
    "accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(env.database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one request writes; the timeout makes writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local-memory caches need no server; each worker process keeps its own. "default" is Django's own default
# (barometer charts; rate limits are not counted in it but in a shared store, see RATE_LIMIT_STORE). "catalogue"
# holds the catalogue's counts and result pages (innovations.selectors): with it per process, each worker
# computes a count once. Production with several workers or servers should share it, e.g. Redis
# ("django.core.cache.backends.redis.RedisCache"); correctness does not depend on the choice, as the entries are
# keyed by a version token kept in the database.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "catalogue": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "catalogue",
        "OPTIONS": {"MAX_ENTRIES": 5000},  # counts ~2 kB, a page of ids <0.3 kB: a few MB per worker at most
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# A password reset link works once (Django's token hashes the password and the last sign-in) and for two hours.
PASSWORD_RESET_TIMEOUT = 2 * 60 * 60
LOGIN_URL = "accounts:login"
# Members of an organisation land in their workspace, others on the front page (workspace.views.after_login_view).
LOGIN_REDIRECT_URL = "workspace:after_login"
LOGOUT_REDIRECT_URL = "core:home"

# Finnish first, then Swedish (Finland's two national languages), then English.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers as written in Finland in every language: Finland-Swedish 6.4.2025 (not Sweden's
# 2025-04-06), English 6 April 2025 (not the US April 6, 2025). Finnish uses Django's own module.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "fi"
MODELTRANSLATION_LANGUAGES = ("fi", "sv", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("fi", "sv", "en")}

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.static_root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = env.media_root
MAX_UPLOAD_BYTES = env.max_upload_bytes
DATA_UPLOAD_MAX_MEMORY_SIZE = env.max_upload_bytes + 1024 * 1024

EMAIL_BACKEND = env.email_backend
DEFAULT_FROM_EMAIL = env.default_from_email
SITE_URL = env.site_url.rstrip("/")

LEGAL = {
    "controller_name": env.legal_controller_name,
    "controller_address": env.legal_controller_address,
    "contact_email": env.legal_contact_email,
    "dpo_email": env.legal_dpo_email,
    "accessibility_email": env.accessibility_feedback_email,
    "accessibility_prepared": env.accessibility_statement_prepared,
    "accessibility_reviewed": env.accessibility_statement_reviewed,
}

SESSION_COOKIE_SECURE = env.secure_cookies
CSRF_COOKIE_SECURE = env.secure_cookies
SECURE_SSL_REDIRECT = env.secure_cookies
SECURE_HSTS_SECONDS = 31536000 if env.secure_cookies else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.secure_cookies
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client's address (core.client_address) and the rate limits' shared counts (core.limits).
TRUSTED_PROXY_COUNT = env.trusted_proxy_count
RATE_LIMIT_STORE = env.rate_limit_store
# Keys of core.encryption (two-step sign-in secrets): the first encrypts, all decrypt; empty: derived from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = [key.strip() for key in env.field_encryption_keys.split(",") if key.strip()]
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp) on every response that has none of its own (uploaded files are served with
# a sandbox policy). The pages run only our own scripts and styles: no inline <script> or style="…" anywhere
# (values such as bar widths are SVG attributes, data for scripts sits in json_script blocks), so no nonce is
# needed. Images may come from OpenStreetMap's tile server (the idea map) and data: URIs (Leaflet's and the API
# documentation's icons). No form-action: signing in with identification posts a form that redirects to the
# provider's own site, which browsers check against form-action.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https://tile.openstreetmap.org"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Sign-in with identification providers (accounts.oidc); the providers themselves are rows in the admin. The
# development provider (accounts.dev_provider) imitates Suomi.fi's test service, for development and the demo.
DEV_IDENTIFICATION_PROVIDER = env.dev_identification_provider if env.dev_identification_provider is not None else DEBUG
DEV_IDENTIFICATION_CLIENT_ID = env.dev_identification_client_id
DEV_IDENTIFICATION_CLIENT_SECRET = env.dev_identification_client_secret
