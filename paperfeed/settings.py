"""paperfeed settings: everything comes from the environment.

Every variable is documented in docs/settings.md (a test checks that the two
agree). A setting that cannot work fails loudly at start-up instead of
misbehaving later.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from None


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: str) -> list[str]:
    return os.environ.get(name, default).replace(",", " ").split()


DEBUG = env_bool("DEBUG", False)

DATA_DIR = Path(os.environ.get("PAPERFEED_DATA_DIR", "data")).resolve()
try:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
except OSError as exc:
    raise ImproperlyConfigured(f"PAPERFEED_DATA_DIR={DATA_DIR} cannot be created: {exc}") from None

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (paperfeed up creates one "
            "under PAPERFEED_DATA_DIR for you), or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1 localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "paperfeed.catalog",
    "paperfeed.accounts",
    "paperfeed.ingest",
    "paperfeed.search",
    "paperfeed.ops",
    "paperfeed.digests",
    "paperfeed.api",
    "paperfeed.feeds",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses logins from a locked-out username/IP before checking passwords.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login rate limit (django-axes): after this many failures for one username
# from one address, that pair is locked out for the cool-off period.
AXES_FAILURE_LIMIT = env_int("PAPERFEED_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_float("PAPERFEED_LOGIN_COOLOFF_MINUTES", 15.0) / 60.0  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy's address; lock
# out by the address the proxy saw instead (paperfeed.lib.client_ip).
AXES_CLIENT_IP_CALLABLE = "paperfeed.lib.client_ip.client_ip"

ROOT_URLCONF = "paperfeed.urls"
WSGI_APPLICATION = "paperfeed.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "paperfeed.catalog.context_processors.site",
            ],
        },
    },
]


def _database_from_env() -> dict:
    default_sqlite = f"sqlite:///{DATA_DIR / 'paperfeed.sqlite3'}"
    url = os.environ.get("DATABASE_URL") or default_sqlite
    try:
        config = dj_database_url.parse(url)
    except Exception as exc:  # dj_database_url raises several types
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} cannot be parsed: {exc}") from None
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        # WAL lets readers proceed while one writer writes; IMMEDIATE makes a
        # writer take the lock when its transaction starts, so concurrent
        # writers queue on busy_timeout instead of failing with "database is
        # locked" when they upgrade a read lock mid-transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_float("PAPERFEED_SQLITE_TIMEOUT", 30.0),
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA temp_store=MEMORY;"
                "PRAGMA cache_size=-20000;"
            ),
        }
    elif engine in ("django.db.backends.postgresql",):
        config["CONN_MAX_AGE"] = env_int("PAPERFEED_DB_CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL names {engine}; paperfeed supports sqlite:// and postgres:// only"
        )
    return config


DATABASES = {"default": _database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

PAPERFEED_SITE_NAME = os.environ.get("PAPERFEED_SITE_NAME", "paperfeed")

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# --- Email -----------------------------------------------------------------------
# Django's own names. Without EMAIL_HOST, mail is written as files under the
# data dir, so nothing is silently dropped.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_float("EMAIL_TIMEOUT", 30.0)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "paperfeed <paperfeed@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are mutually exclusive; set one")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"

STATIC_URL = "static/"
# The site's own assets (paperfeed/static/paperfeed/...); apps add theirs.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
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

# Production hardening; `paperfeed check --deploy` is clean when these hold.
SECURE_HTTPS = env_bool("PAPERFEED_HTTPS", False)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_HSTS_SECONDS = env_int("PAPERFEED_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
PAPERFEED_BEHIND_PROXY = env_bool("PAPERFEED_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PAPERFEED_BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "paperfeed": {"handlers": ["console"], "level": os.environ.get("PAPERFEED_LOG_LEVEL", "WARNING")},
    },
}

# --- Sources -----------------------------------------------------------------
PAPERFEED_CONTACT_EMAIL = os.environ.get("PAPERFEED_CONTACT_EMAIL", "")
PAPERFEED_USER_AGENT = os.environ.get(
    "PAPERFEED_USER_AGENT",
    "paperfeed/0.1 (self-hosted research-paper feed; https://github.com/paperfeed/paperfeed"
    + (f"; mailto:{PAPERFEED_CONTACT_EMAIL}" if PAPERFEED_CONTACT_EMAIL else "")
    + ")",
)
PAPERFEED_HF_API_URL = os.environ.get("PAPERFEED_HF_API_URL", "https://huggingface.co/api")
PAPERFEED_ARXIV_API_URL = os.environ.get("PAPERFEED_ARXIV_API_URL", "https://export.arxiv.org/api/query")
PAPERFEED_ARXIV_OAI_URL = os.environ.get("PAPERFEED_ARXIV_OAI_URL", "https://oaipmh.arxiv.org/oai")
# arXiv's terms of use: no more than one request every three seconds.
PAPERFEED_ARXIV_MIN_INTERVAL = env_float("PAPERFEED_ARXIV_MIN_INTERVAL", 3.0)
PAPERFEED_HTTP_CONNECT_TIMEOUT = env_float("PAPERFEED_HTTP_CONNECT_TIMEOUT", 10.0)
PAPERFEED_HTTP_READ_TIMEOUT = env_float("PAPERFEED_HTTP_READ_TIMEOUT", 60.0)
PAPERFEED_HTTP_RETRIES = env_int("PAPERFEED_HTTP_RETRIES", 5)
PAPERFEED_HTTP_BACKOFF = env_float("PAPERFEED_HTTP_BACKOFF", 2.0)
PAPERFEED_ARXIV_PAGE_SIZE = env_int("PAPERFEED_ARXIV_PAGE_SIZE", 200)
PAPERFEED_INGEST_BATCH_SIZE = env_int("PAPERFEED_INGEST_BATCH_SIZE", 500)

# --- Trending ----------------------------------------------------------------
# score = (local upvotes + weight x upstream upvotes) / (age in hours + 2) ** gravity,
# age counted from the paper's latest appearance on a daily list.
PAPERFEED_TRENDING_GRAVITY = env_float("PAPERFEED_TRENDING_GRAVITY", 1.5)
PAPERFEED_TRENDING_UPSTREAM_WEIGHT = env_float("PAPERFEED_TRENDING_UPSTREAM_WEIGHT", 1.0)
PAPERFEED_TRENDING_WINDOW_DAYS = env_int("PAPERFEED_TRENDING_WINDOW_DAYS", 7)
PAPERFEED_TRENDING_REFRESH = env_float("PAPERFEED_TRENDING_REFRESH", 300.0)

# --- Submissions -------------------------------------------------------------
# Papers one user may put on a day's list ("Submit a paper"); 0 means no limit.
PAPERFEED_SUBMISSIONS_PER_DAY = env_int("PAPERFEED_SUBMISSIONS_PER_DAY", 20)

# --- API (docs/api.md) ----------------------------------------------------------
# Write requests (submit, upvote) one API token may make per window of seconds; 0: no limit.
PAPERFEED_API_RATE_LIMIT = env_int("PAPERFEED_API_RATE_LIMIT", 60)
PAPERFEED_API_RATE_WINDOW = env_int("PAPERFEED_API_RATE_WINDOW", 60)
if PAPERFEED_API_RATE_WINDOW < 1:
    raise ImproperlyConfigured("PAPERFEED_API_RATE_WINDOW must be at least 1 (second)")

# --- Schedule ----------------------------------------------------------------
PAPERFEED_ARXIV_CATEGORIES = env_list("PAPERFEED_ARXIV_CATEGORIES", "cs.AI cs.CL cs.CV cs.LG")
PAPERFEED_SCHEDULE_INTERVAL = env_float("PAPERFEED_SCHEDULE_INTERVAL", 3600.0)
PAPERFEED_SCHEDULE_RETRY = env_float("PAPERFEED_SCHEDULE_RETRY", 600.0)
PAPERFEED_SCHEDULE_LOOKBACK_DAYS = env_int("PAPERFEED_SCHEDULE_LOOKBACK_DAYS", 3)


# --- Semantic search (docs/search.md) ------------------------------------------
# "all-MiniLM-L6-v2": the packaged int8 ONNX model, offline and without PyTorch;
# "fake": hashed bag of words (tests); anything else: a sentence-transformers model.
PAPERFEED_EMBEDDING_MODEL = os.environ.get("PAPERFEED_EMBEDDING_MODEL", "all-MiniLM-L6-v2")
PAPERFEED_EMBEDDING_BATCH_SIZE = env_int("PAPERFEED_EMBEDDING_BATCH_SIZE", 32)
# Threads one embedding run uses (0: onnxruntime's default, one per core).
PAPERFEED_EMBEDDING_THREADS = env_int("PAPERFEED_EMBEDDING_THREADS", 0)

# --- Search (docs/search.md) ---------------------------------------------------
# bm25 / ts_rank_cd weight of a word in the title and in the author names, against 1 in the abstract.
PAPERFEED_SEARCH_TITLE_WEIGHT = env_float("PAPERFEED_SEARCH_TITLE_WEIGHT", 2.0)
PAPERFEED_SEARCH_AUTHOR_WEIGHT = env_float("PAPERFEED_SEARCH_AUTHOR_WEIGHT", 1.0)
# Hybrid ranking: how keyword and semantic results are fused (rrf or convex),
# the RRF constant, and the semantic side's share (0..1) under either.
# Defaults chosen on SciFact's train split, long and short queries (bench/search.py):
# convex with a semantic share of 0.3; under rrf, k=10 ranked best.
PAPERFEED_SEARCH_FUSION = os.environ.get("PAPERFEED_SEARCH_FUSION", "convex").strip().lower()
PAPERFEED_SEARCH_RRF_K = env_float("PAPERFEED_SEARCH_RRF_K", 10.0)
PAPERFEED_SEARCH_SEMANTIC_WEIGHT = env_float("PAPERFEED_SEARCH_SEMANTIC_WEIGHT", 0.3)
# Results taken from each side before fusing them.
PAPERFEED_SEARCH_CANDIDATES = env_int("PAPERFEED_SEARCH_CANDIDATES", 200)
# Hybrid results re-ranked by search/rerank.py's model; 0 turns re-ranking off.
PAPERFEED_SEARCH_RERANK_DEPTH = env_int("PAPERFEED_SEARCH_RERANK_DEPTH", 30)
if PAPERFEED_SEARCH_FUSION not in ("rrf", "convex"):
    raise ImproperlyConfigured(f"PAPERFEED_SEARCH_FUSION={PAPERFEED_SEARCH_FUSION!r}: use rrf or convex")
if not 0.0 <= PAPERFEED_SEARCH_SEMANTIC_WEIGHT <= 1.0:
    raise ImproperlyConfigured("PAPERFEED_SEARCH_SEMANTIC_WEIGHT must be between 0 and 1")
if PAPERFEED_SEARCH_TITLE_WEIGHT <= 0 or PAPERFEED_SEARCH_AUTHOR_WEIGHT <= 0:
    raise ImproperlyConfigured("PAPERFEED_SEARCH_TITLE_WEIGHT and PAPERFEED_SEARCH_AUTHOR_WEIGHT must be positive")
if PAPERFEED_SEARCH_RRF_K <= 0 or PAPERFEED_SEARCH_CANDIDATES < 1:
    raise ImproperlyConfigured("PAPERFEED_SEARCH_RRF_K and PAPERFEED_SEARCH_CANDIDATES must be positive")
if PAPERFEED_SEARCH_RERANK_DEPTH < 0:
    raise ImproperlyConfigured("PAPERFEED_SEARCH_RERANK_DEPTH must be 0 (off) or more")
# Where nearest-neighbour search runs: "auto" (pgvector on PostgreSQL, numpy on
# SQLite), "numpy" (exact, in each process) or "pgvector".
PAPERFEED_VECTOR_INDEX = os.environ.get("PAPERFEED_VECTOR_INDEX", "auto")
if PAPERFEED_VECTOR_INDEX not in {"auto", "numpy", "pgvector"}:
    raise ImproperlyConfigured(f"PAPERFEED_VECTOR_INDEX={PAPERFEED_VECTOR_INDEX!r}: use auto, numpy or pgvector")


# --- Email digests and alerts (docs/digests.md) ----------------------------------
# Absolute links in mails (paper pages, unsubscribe) start with this.
PAPERFEED_BASE_URL = os.environ.get("PAPERFEED_BASE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
if not PAPERFEED_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"PAPERFEED_BASE_URL={PAPERFEED_BASE_URL!r} must start with http:// or https://")
# The hour (UTC) from which each day's mails are due; they cover what arrived before it.
PAPERFEED_DIGEST_HOUR = env_int("PAPERFEED_DIGEST_HOUR", 6)
# Papers a trending digest lists (before the subscriber's own cap).
PAPERFEED_DIGEST_TRENDING_TOP = env_int("PAPERFEED_DIGEST_TRENDING_TOP", 10)
# Relevance floor of saved-search alerts: a new paper is mailed only if it ranks
# within this many of the search's best results among the last four weeks' papers.
PAPERFEED_DIGEST_SEARCH_DEPTH = env_int("PAPERFEED_DIGEST_SEARCH_DEPTH", 20)
# Permanent failures (5xx) in a row after which an address gets no more mail.
PAPERFEED_DIGEST_SUSPEND_AFTER = env_int("PAPERFEED_DIGEST_SUSPEND_AFTER", 3)
# Seconds a worker's claim on a mail lasts before another worker may take it over.
PAPERFEED_DIGEST_LEASE = env_float("PAPERFEED_DIGEST_LEASE", 600.0)
# First wait after a temporary failure (4xx, no connection); doubles each time, at most an hour.
PAPERFEED_DIGEST_RETRY_BACKOFF = env_float("PAPERFEED_DIGEST_RETRY_BACKOFF", 300.0)
# Anonymous subscribe requests: per client address per hour, and confirmation mails per address per day.
PAPERFEED_SUBSCRIBE_PER_IP_HOUR = env_int("PAPERFEED_SUBSCRIBE_PER_IP_HOUR", 10)
PAPERFEED_SUBSCRIBE_PER_EMAIL_DAY = env_int("PAPERFEED_SUBSCRIBE_PER_EMAIL_DAY", 3)
if not 0 <= PAPERFEED_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("PAPERFEED_DIGEST_HOUR must be an hour from 0 to 23")
if min(PAPERFEED_DIGEST_TRENDING_TOP, PAPERFEED_DIGEST_SEARCH_DEPTH, PAPERFEED_DIGEST_SUSPEND_AFTER) < 1:
    raise ImproperlyConfigured(
        "PAPERFEED_DIGEST_TRENDING_TOP, PAPERFEED_DIGEST_SEARCH_DEPTH and PAPERFEED_DIGEST_SUSPEND_AFTER must be at least 1"
    )
if PAPERFEED_DIGEST_LEASE <= 0 or PAPERFEED_DIGEST_RETRY_BACKOFF <= 0:
    raise ImproperlyConfigured("PAPERFEED_DIGEST_LEASE and PAPERFEED_DIGEST_RETRY_BACKOFF must be positive")
