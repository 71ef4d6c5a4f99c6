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
