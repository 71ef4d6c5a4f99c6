"""Human names of the indicators and blockers (translated where they are shown)."""

from ..validation_messages import N_

INDICATOR_LABELS = {
    "people_helped": N_("People helped"),
    "identity_verified": N_("VNeID identity verified"),
    "payments_enabled": N_("Payment account set up"),
    "health_record_used": N_("Electronic health record used"),
    "public_services_submitted": N_("Online public services submitted"),
    "digital_skills_lessons": N_("People in digital skills lessons"),
    "villages_reached": N_("Villages reached"),
    "active_members": N_("Active team members"),
    "requests_on_time": N_("Help requests resolved on time"),
    "median_resolution_hours": N_("Median hours to resolve a request"),
}

BLOCKER_LABELS = {
    "no_smartphone": N_("No smartphone"),
    "weak_signal": N_("Weak or no mobile signal"),
    "no_chip_id_card": N_("No chip ID card"),
    "forgot_credentials": N_("Forgot password or PIN"),
    "phone_incompatible": N_("Phone too old or incompatible"),
    "needs_in_person_office": N_("Must go to an office in person"),
    "resident_declined": N_("Resident declined"),
    "other": N_("Other"),
    "unknown": N_("Not given"),
}


def indicator_label(code: str) -> str:
    from flask_babel import gettext

    return gettext(INDICATOR_LABELS[code]) if code in INDICATOR_LABELS else code


def blocker_label(code: str) -> str:
    from flask_babel import gettext

    return gettext(BLOCKER_LABELS.get(code, BLOCKER_LABELS["other"]))


def period_label(key: str) -> str:
    """ "Tháng 11/2026", "Quý 4/2026", "Năm 2026", "Mọi thời gian" for the keys of periods.py."""
    from flask_babel import gettext

    from .periods import ALL

    if key == ALL:
        return gettext("All time")
    if "-Q" in key:
        year, quarter = key.split("-Q")
        return gettext("Quarter %(quarter)s/%(year)s", quarter=quarter, year=year)
    if "-" in key:
        year, month = key.split("-")
        return gettext("Month %(month)s/%(year)s", month=int(month), year=year)
    return gettext("Year %(year)s", year=key)
