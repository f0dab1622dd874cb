"""The one typed settings schema: every setting that differs between machines comes from the environment."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

BASE_DIR = Path(__file__).resolve().parent.parent
# Only for development and tests: with DEBUG off, nothing starts with it (config/security.py).
DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-change-me-in-production"  # noqa: S105 (development default)


class Env(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    debug: bool = False
    # The default key is only for development and tests: with DEBUG off, the site refuses to start with it.
    secret_key: str = DEVELOPMENT_SECRET_KEY
    database_url: str = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    allowed_hosts: list[str] = Field(default_factory=lambda: ["127.0.0.1", "localhost", "testserver"])
    csrf_trusted_origins: list[str] = Field(default_factory=list)
    # Production runs behind TLS: secure cookies and HSTS are switched on together.
    secure_cookies: bool = False
    media_root: Path = BASE_DIR / "media"
    static_root: Path = BASE_DIR / "staticfiles"
    # Largest accepted attachment, in bytes.
    max_upload_bytes: int = 10 * 1024 * 1024
    email_backend: str = "django.core.mail.backends.console.EmailBackend"
    default_from_email: str = "innoverkko@localhost"
    # The site's address for links in e-mails sent without a request (e.g. barometer reminders from cron).
    site_url: str = "http://localhost:8000"
    # How many proxies in front of the application append to X-Forwarded-For (nginx, a load balancer): the
    # client's address is the entry the outermost of them wrote. 0: the application is reached directly and the
    # header, which anyone can write, is ignored.
    trusted_proxy_count: int = Field(default=0, ge=0, le=5)
    # Where rate limit counts live, shared by every worker and server: "database" (the core_ratecounter table) or
    # "cache:<alias>" for a cache whose increment is atomic on a shared server (Redis), e.g. "cache:default".
    rate_limit_store: str = "database"
    # Keys that encrypt secrets stored in the database (two-step sign-in), separated by commas: the first one
    # encrypts, all of them decrypt (rotation: put the new key first). Empty: a key derived from SECRET_KEY, for
    # development (core/encryption.py; `manage.py check` warns when DEBUG is off).
    field_encryption_keys: str = ""

    # Sign-in with identification (OIDC): the development provider imitating Suomi.fi's test service answers at
    # /oidc/dev/ when this is on; unset, it follows DEBUG (on in development and the demo, off in production).
    dev_identification_provider: bool | None = None
    dev_identification_client_id: str = "innoverkko-dev"
    dev_identification_client_secret: str = "dev-identification-secret"  # noqa: S105 (development provider only)

    # Who answers for the service in the privacy notice, the accessibility statement and the terms of use: the
    # demo values name an imaginary operator; a real installation sets its own.
    legal_controller_name: str = "Innoverkko-palvelun ylläpitäjä (demo)"
    legal_controller_address: str = "PL 1, 00099 Helsinki"
    legal_contact_email: str = "tietosuoja@innoverkko.example"
    legal_dpo_email: str = "tietosuojavastaava@innoverkko.example"
    accessibility_feedback_email: str = "saavutettavuus@innoverkko.example"
    # When the accessibility statement was prepared and last reviewed (ISO dates).
    accessibility_statement_prepared: str = "2026-12-07"
    accessibility_statement_reviewed: str = "2026-12-07"


env = Env()
