"""`/healthz`: whether this server can answer pages now, for the load balancer.

It asks the database within `HEALTHZ_TIMEOUT_MS` for the tables every signed-in
page reads (sessions and staff), so a database that is down, unreachable, or
holding those tables locked shows as unhealthy (503) within that time rather
than as a check that hangs, or says "ok" while pages wait.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

health_logger = logging.getLogger("oneteam.health")


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 {"status": "ok"} when the database answers in time; 503 {"status": "unavailable"} when it does not."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # SET LOCAL: only for this check's transaction, whatever the connection's own timeouts.
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(settings.HEALTHZ_TIMEOUT_MS)])
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [str(settings.HEALTHZ_TIMEOUT_MS)])
            cursor.execute("SELECT 1 FROM django_session LIMIT 1")
            cursor.execute("SELECT 1 FROM organisations_staff LIMIT 1")
    except DatabaseError as error:
        health_logger.warning("Health check failed: the database did not answer (%s)", type(error).__name__)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
