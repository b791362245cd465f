"""Rows every database needs before use: the referral status machine and the first programme.

Migrations install them; tests that empty the database (browser tests on a live server) put
them back with `ensure_reference_data`.
"""

from groupwork.programmes.models import Programme
from groupwork.referrals.models import ReferralStatus
from groupwork.referrals.status_machine import install_status_machine

CSOGP_CODE = "csogp"
CSOGP_NAME = "Community Sex Offender Groupwork Programme"


def ensure_reference_data() -> None:
    if not ReferralStatus.objects.exists():
        install_status_machine()
    Programme.objects.get_or_create(code=CSOGP_CODE, defaults={"name": CSOGP_NAME})
