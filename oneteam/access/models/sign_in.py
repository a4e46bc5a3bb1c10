"""Records that protect signing in: failed-attempt counts, two-factor devices and recovery codes."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SignInAttempt(models.Model):
    """Consecutive failed sign-ins for one key: a username (known or not) or a client address (see access.throttle)."""

    key = models.CharField(max_length=200, unique=True, help_text="username:<name> or address:<ip>")
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    # No try is checked before this time; a wait, never a lock (docs/adr/0013).
    next_try_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key


class TwoFactorDevice(models.Model):
    """A staff member's authenticator app (TOTP, RFC 6238). Unconfirmed until a first code is entered."""

    staff = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor_device")
    secret = models.CharField(max_length=64, help_text="Base32 shared secret")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last 30-second time step accepted, so a code cannot be used twice.
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Authenticator for {self.staff}"


class RecoveryCode(models.Model):
    """A single-use code for when the authenticator is lost. Only a hash is kept."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=200)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Recovery code for {self.staff}"
