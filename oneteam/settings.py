"""OneTeam settings: one module, driven by environment variables.

`ONETEAM_ENVIRONMENT` is `development` (the default, used by `make run` and
`make test`) or `production`. Production refuses to start without a secret key
and allowed hosts, so a misconfigured server fails loudly rather than quietly
running with development defaults.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
# Files OneTeam writes beside its code (the SQLite database, audit checkpoints in production).
VAR_DIR = Path(os.environ.get("ONETEAM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable; anything unrecognised is an error."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    """Read a whole-number environment variable."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


def database_from_url(url: str) -> dict[str, object]:
    """Turn a `DATABASE_URL` (sqlite:///path or postgres://user:pw@host:port/name) into Django settings."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative/path and sqlite:////absolute/path, as most tools read them.
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(BASE_DIR / path) if path else ":memory:",
            "OPTIONS": {
                # Writers queue at BEGIN rather than failing mid-transaction; the audit chain relies on it.
                "transaction_mode": "IMMEDIATE",
                # Seconds a writer waits for another to finish before "database is locked".
                "timeout": env_int("DATABASE_BUSY_TIMEOUT_SECONDS", 20),
                # Write-ahead logging lets readers carry on while one writer writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Tests get a file, not Django's in-memory database: with one in memory, the browser tests'
            # live server shares the test thread's single SQLite connection, and two threads on one
            # connection can deadlock for ever (ADR 0026).
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    if parts.scheme in {"postgres", "postgresql"}:
        options: dict[str, object] = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        # No request waits for ever: for a connection, for a statement, or for another transaction's lock.
        options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT_SECONDS", 5))
        server_options = (
            f"-c statement_timeout={env_int('DATABASE_STATEMENT_TIMEOUT_MS', 30_000)} "
            f"-c lock_timeout={env_int('DATABASE_LOCK_TIMEOUT_MS', 5_000)}"
        )
        options["options"] = f"{options['options']} {server_options}" if "options" in options else server_options
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported: use sqlite or postgres")


ENVIRONMENT = os.environ.get("ONETEAM_ENVIRONMENT", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("ONETEAM_ENVIRONMENT must be development or production")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)


def strong_enough(secret: str) -> bool:
    """Whether a key is long and varied enough to sign with: at least 50 characters, at least 10 different ones."""
    return len(secret) >= 50 and len(set(secret)) >= 10


DEVELOPMENT_SECRET_KEY = "development-only-not-secret"  # noqa: S105 - refused in production (below)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if PRODUCTION and not strong_enough(SECRET_KEY):
    raise ImproperlyConfigured("SECRET_KEY must be set in production to a random value of at least 50 characters")
SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY

# The key of the audit log's hash chain and checkpoints (oneteam/access/audit.py). It lives outside the
# database, so whoever owns the database cannot recompute the chain after changing it. From AUDIT_KEY, or the
# file named by AUDIT_KEY_FILE (a secret mounted by the platform).
DEVELOPMENT_AUDIT_KEY = "development-only-audit-key-not-secret"
AUDIT_KEY_FILE = os.environ.get("AUDIT_KEY_FILE", "")
try:
    AUDIT_KEY = Path(AUDIT_KEY_FILE).read_text().strip() if AUDIT_KEY_FILE else os.environ.get("AUDIT_KEY", "")
except OSError as error:
    raise ImproperlyConfigured(f"AUDIT_KEY_FILE cannot be read: {error.strerror}") from error
if PRODUCTION and (not strong_enough(AUDIT_KEY) or AUDIT_KEY == SECRET_KEY):
    raise ImproperlyConfigured(
        "AUDIT_KEY (or AUDIT_KEY_FILE) must be set in production to a random value of at least 50 characters, "
        "different from SECRET_KEY"
    )
AUDIT_KEY = AUDIT_KEY or DEVELOPMENT_AUDIT_KEY
# Signed checkpoints of the audit log (event count and last hash) are appended to this file, which the
# database's owner must not be able to change (another host, or write-once storage). Off when blank.
AUDIT_CHECKPOINT_FILE = os.environ.get(
    "AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl") if PRODUCTION else ""
)
# verify_audit fails if a committed audit event has waited longer than this to be sealed into the chain (events are
# sealed as their transaction commits, and by `audit_checkpoint` every few minutes at the latest).
AUDIT_UNSEALED_LIMIT_MINUTES = env_int("AUDIT_UNSEALED_LIMIT_MINUTES", 30)
# Where each checkpoint is written: functions taking a Checkpoint. An external write-once store is one more.
AUDIT_CHECKPOINT_STORES = ["oneteam.access.checkpoint.to_log", "oneteam.access.checkpoint.to_file"]

ALLOWED_HOSTS = [host for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host]
if not ALLOWED_HOSTS:
    if PRODUCTION:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", "sqlite:///var/oneteam.sqlite3"))}
# `/healthz` reports the server unhealthy if the database does not answer within this many milliseconds.
HEALTHZ_TIMEOUT_MS = env_int("HEALTHZ_TIMEOUT_MS", 2_000)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "oneteam.organisations",
    "oneteam.submissions",
    "oneteam.people",
    "oneteam.access",
    "oneteam.referrals",
    "oneteam.directory",
    "oneteam.care",
    "oneteam.notes",
    "oneteam.mdt",
    "oneteam.synthetic",
    "oneteam.operations",
    "oneteam.outcomes",
    "oneteam.risk",
    "oneteam.fhir",
    "oneteam.workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "oneteam.access.csp.ContentSecurityPolicyMiddleware",
    "oneteam.access.request_id.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files are not logged; inside the request id, so each line carries it.
    "oneteam.operations.middleware.RequestLogMiddleware",
    # Before any view: an id too big for the database is a 404, not an error (issue 20).
    "oneteam.operations.middleware.IdsInRangeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "oneteam.access.middleware.IdleTimeoutMiddleware",
    # Every page needs a signed-in member of staff unless its view says otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so its check runs after CSRF and sign-in: a create form sent again is told it was already saved.
    "oneteam.submissions.middleware.SentAgainMiddleware",
]

ROOT_URLCONF = "oneteam.urls"
WSGI_APPLICATION = "oneteam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "oneteam" / "templates"],
        "APP_DIRS": False,  # app templates are added by oneteam.jinja2.environment
        "OPTIONS": {
            "environment": "oneteam.jinja2.environment",
            "context_processors": [
                "oneteam.access.context_processors.signed_in_staff",
                "oneteam.access.context_processors.emergency_access",
                "oneteam.referrals.context_processors.inbox",
                "oneteam.access.csp.csp_nonce",
            ],
        },
    },
]

AUTH_USER_MODEL = "organisations.Staff"
LOGIN_URL = "access:sign_in"
LOGIN_REDIRECT_URL = "people:search"

PASSWORD_HASHERS = [
    "oneteam.access.hashers.StaffPasswordHasher",
    # Checks hashes made with Django's default argon2 cost; they are upgraded at the next sign-in.
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Kept so that any hash made by an older hasher can still be checked and upgraded.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after a period without activity (a shared clinic PC must not stay
# signed in), and when the browser closes.
IDLE_TIMEOUT_MINUTES = env_int("IDLE_TIMEOUT_MINUTES", 30)
# The visit calendar warns when a person has more visits than this on one day.
CARE_MAX_VISITS_PER_DAY = env_int("CARE_MAX_VISITS_PER_DAY", 3)
SESSION_COOKIE_AGE = IDLE_TIMEOUT_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION

# Failed sign-ins slow down, never lock out (docs/adr/0013): after this many failures in a row, for a
# username or from one client address, each further try waits twice as long as the last, from
# SIGN_IN_DELAY_SECONDS up to SIGN_IN_MAX_DELAY_SECONDS.
SIGN_IN_FREE_FAILURES = env_int("SIGN_IN_FREE_FAILURES", 5)
SIGN_IN_DELAY_SECONDS = env_int("SIGN_IN_DELAY_SECONDS", 2)
SIGN_IN_MAX_DELAY_SECONDS = env_int("SIGN_IN_MAX_DELAY_SECONDS", 300)
# Client addresses of the load balancers in front of OneTeam (comma-separated addresses or networks).
# A request from one of these is taken to come from the address it puts last in X-Forwarded-For.
TRUSTED_PROXIES = [proxy.strip() for proxy in os.environ.get("TRUSTED_PROXIES", "").split(",") if proxy.strip()]
for proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {proxy!r} is not an IP address or network") from error

# How long emergency ("break-glass") access to a record lasts.
BREAK_GLASS_HOURS = env_int("BREAK_GLASS_HOURS", 4)

# Browser protections. The Content-Security-Policy is sent by oneteam.access.csp.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Origins (https://host) whose forms may post here, when a proxy changes the Host header.
CSRF_TRUSTED_ORIGINS = [origin for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin]
if PRODUCTION:
    # Production is served over HTTPS only: plain HTTP is redirected, and browsers are told
    # not to try it again (for a year by default), for this host and every subdomain.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers check health over plain HTTP inside the network; a redirect would read as a failure.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Sending `preload` only allows the domain's owner to submit it to browsers' built-in
    # HTTPS-only list; set false if the domain must never be on that list.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # TLS ends at the load balancer, which must set this header and drop any copy sent by the client.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
# Collected for production by scripts/serve.sh; under VAR_DIR so two servers on one machine do not share it.
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "oneteam" / "static" / "build",
    ("js", BASE_DIR / "oneteam" / "static" / "js"),
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
# Outside production, WhiteNoise serves straight from the source folders so no
# collectstatic step is needed for `make run` or the tests.
WHITENOISE_USE_FINDERS = not PRODUCTION
# In production `collectstatic` (scripts/serve.sh) writes gzip and brotli copies that WhiteNoise sends to
# browsers that accept them. (Not the manifest storage: the NHS.UK templates take the assets folder's URL,
# and a folder has no hashed name.)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_AUTOREFRESH = DEBUG

# Logs carry no personal data: we log events and identifiers of staff actions,
# never names, NHS numbers or search terms (see docs/adr/0004).
# In production each line is a JSON object (oneteam/operations/log_format.py) for the log collector.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "oneteam.operations.log_format.JsonFormatter"},
    },
    "filters": {"without_request_path": {"()": "oneteam.operations.log_format.WithoutRequestPath"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django logs each 4xx/5xx answer with its path, which can identify a person: see WithoutRequestPath.
    "loggers": {"django.request": {"filters": ["without_request_path"]}},
}
