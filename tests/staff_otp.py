"""Staff's second factor in tests: a confirmed TOTP device, its current code, a verified session."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def enrol(user):
    return TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="test authenticator", confirmed=True
    )


def current_code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def verify_session(client, user):
    """What a staff member's TOTP sign-in leaves in the session: the verified device."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = enrol(user).persistent_id
    session.save()
