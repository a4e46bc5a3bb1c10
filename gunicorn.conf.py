"""gunicorn settings for `make serve`: production OneTeam behind a TLS-terminating load balancer.

Everything can be overridden from the environment (GUNICORN_CMD_ARGS, or the
variables read below), so the same file serves one small machine or many.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Threaded workers: a client that sends its request slowly ties up one thread, not a whole process, so a handful
# of slow clients cannot take every worker and stop the health check (bench/slow_clients.py; docs/operations.md).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A slow page (a big export, say) must not be killed by the default 30 seconds, but nothing should hang forever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Workers are replaced now and then so that no slow leak can grow without bound.
max_requests = 2000
max_requests_jitter = 200
# OneTeam logs each request itself, as JSON without paths or query strings (oneteam/operations/middleware.py):
# gunicorn's access log would write URLs, which can identify a person's record.
accesslog = None
errorlog = "-"
# gunicorn's own error lines name the URL of a failed or timed-out request: keep the path, withhold the query string.
logger_class = "oneteam.operations.gunicorn_logging.PathOnlyLogger"
# Trust X-Forwarded-* only from the load balancer on the same host or network (set FORWARDED_ALLOW_IPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker: object) -> None:
    """Hide what each worker loaded at start-up (Django, the FHIR models, the templates' environment) from the
    garbage collector, so that its full collections stop walking those long-lived objects again and again. Those
    collections were pauses of about 100 ms landing on whichever request was running; frozen, about 14 ms
    (measured in one process on the directory search page; with one gunicorn worker, the slowest of 400
    requests went from about 120 ms to 66–87 ms)."""
    gc.freeze()
