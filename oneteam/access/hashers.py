"""How staff passwords are stored: argon2id with the cost OWASP recommends for interactive sign-in."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class StaffPasswordHasher(Argon2PasswordHasher):
    """argon2id at 19 MiB of memory, 2 passes, 1 lane (OWASP Password Storage Cheat Sheet's first option).

    Django's default (100 MiB, 8 lanes) cost about 0.5 s of CPU per check here, so a
    shift of staff signing in at once queued every other page behind them. This cost
    still makes each guess expensive for an attacker holding a copy of the database.
    Hashes made with other parameters are re-made at the next successful sign-in
    (Django's `must_update`), so no one has to reset a password.
    """

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
