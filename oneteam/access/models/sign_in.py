"""Records that protect signing in: failed-attempt counts, two-factor devices and recovery codes."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SignInAttempt(models.Model):
    """Consecutive failed sign-ins for a username, known or not, so lockout does not reveal which accounts exist."""

    username = models.CharField(max_length=150, unique=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.username


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
