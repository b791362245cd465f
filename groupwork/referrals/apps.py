from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "groupwork.referrals"
    label = "referrals"
