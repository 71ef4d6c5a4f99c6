"""Every text the field app shows, from the same Babel catalogues as the rest of ToSo.

The app fetches them as JSON (/app/strings/<lang>.json, precached), so no script is inlined and
the shell stays the same for every language and every person."""

from flask_babel import gettext as _

from ..activities.models import ACTIONS, BLOCKERS, OUTCOMES
from ..coverage.labels import BLOCKER_LABELS, INDICATOR_LABELS
from ..requests.states import ACTION_LABELS, STATUS_LABELS


def action_labels() -> dict:
    return {
        "install_app": _("Installed an app"),
        "create_account": _("Created an account"),
        "verify_identity": _("Verified identity"),
        "setup_payment": _("Set up payment"),
        "make_payment": _("Made a payment"),
        "submit_public_service": _("Submitted a public service"),
        "use_health_record": _("Used the health record"),
        "digital_skills_lesson": _("Digital skills lesson"),
        "scam_awareness": _("Scam awareness"),
        "troubleshoot": _("Fixed a problem"),
        "other": _("Other"),
    }


def outcome_labels() -> dict:
    return {"succeeded": _("It worked"), "partial": _("Partly"), "failed": _("It did not work")}


def app_strings() -> dict:
    """The texts in the request's locale (the caller forces it)."""
    return {
        "labels": {
            "app_name": _("ToSo field app"),
            "loading": _("Loading…"),
            "online": _("Online"),
            "offline": _("Offline: your work is kept on this phone"),
            "sign_in": _("Sign in"),
            "sign_out": _("Sign out"),
            "sign_in_intro": _("Sign in with your phone number."),
            "demo_mode": _("Demo mode: choose a person to sign in as (emulator tokens, never in production)."),
            "demo_people": _("Demo people"),
            "phone": _("Phone number"),
            "send_code": _("Send code"),
            "code": _("Code from the SMS"),
            "sign_in_failed": _("Sign-in failed. Check the number and try again."),
            "sign_in_needs_network": _("Signing in needs the network. Try again when you have signal."),
            "cannot_sign_in": _("Cannot sign in?"),
            "call_team": _("Call the team"),
            "commune_office": _("Or go to the office of %(commune)s: they will file the request for you."),
            "home": _("Home"),
            "outbox": _("Outbox"),
            "posters": _("Guides"),
            "inbox": _("Inbox"),
            "my_work": _("Assigned to me"),
            "new_in_area": _("New requests in my area"),
            "nothing_here": _("Nothing here."),
            "log_help": _("Log help given"),
            "who": _("Who did you help?"),
            "search_resident": _("Search by name"),
            "add_resident": _("Add a person"),
            "group_session": _("A group, no names"),
            "people_count": _("How many people?"),
            "which_service": _("Which service?"),
            "which_action": _("What did you do?"),
            "which_outcome": _("Did it work?"),
            "which_blocker": _("What got in the way?"),
            "saved_waiting": _("Saved on the phone. It will be sent when there is signal."),
            "name": _("Name"),
            "birth_year": _("Year of birth"),
            "gender": _("Gender"),
            "female": _("Female"),
            "male": _("Male"),
            "other_gender": _("Other"),
            "consent": _("The person agrees that the team keeps their name and phone number."),
            "consent_hint": _("Without consent only the year of birth and gender are kept."),
            "save": _("Save"),
            "cancel": _("Cancel"),
            "back": _("Back"),
            "send": _("Send"),
            "waiting": _("Waiting to send"),
            "sent": _("Sent"),
            "rejected": _("Not accepted"),
            "send_again": _("Send again"),
            "discard": _("Delete"),
            "sync_now": _("Send now"),
            "last_sync": _("Last sent: %(time)s"),
            "needs_network": _("This needs the network."),
            "kind_activity": _("Help given"),
            "kind_resident": _("Person"),
            "kind_help_request": _("Help request"),
            "kind_comment": _("Reply"),
            "ask_help": _("Ask the team for help"),
            "my_requests": _("My requests"),
            "service": _("Service"),
            "need": _("What do you need help with?"),
            "when_to_call": _("When can the team call you?"),
            "village": _("Village"),
            "find_village": _("Type your village or commune"),
            "file_request": _("Send the request"),
            "request_queued": _("Your request is kept on the phone and will be sent when there is signal."),
            "reference": _("Reference"),
            "reference_hint": _("Say this reference when the team calls."),
            "status": _("Status"),
            "history": _("History"),
            "replies": _("Replies"),
            "reply": _("Reply"),
            "your_reply": _("Your reply"),
            "rate": _("How was the help?"),
            "rating_thanks": _("Thank you for your rating."),
            "stars": _("%(n)s of 5"),
            "unsent_warning": _(
                "%(n)s records have not been sent yet. Signing out deletes them from this phone. Sign out anyway?"
            ),
            "sign_out_anyway": _("Delete them and sign out"),
            "stay": _("Stay signed in"),
            "no_posters": _("No guides saved yet. Open the app once with signal to save them."),
            "language": _("Language"),
            "error": _("Something went wrong. Try again."),
            "offline_read": _("Saved for reading offline."),
            "unread": _("unread"),
            "unsent": _("%(n)s not sent"),
            "unsent_owner": _(
                "%(n)s records of %(phone)s are not sent yet. Sign in again with %(phone)s to send "
                "them; signing in with another number deletes them."
            ),
            "my_team": _("My teams"),
            "my_standing": _("My standing this month"),
            "standing_line": _("Rank %(rank)s of %(count)s in %(team)s · %(score)s points"),
            "my_skills": _("My skills: %(skills)s"),
            "no_skills_yet": _("No skills yet: trainings and five successful helps with a service add one."),
            "last_month": _("Last month (%(month)s)"),
            "members": _("Members"),
            "add_member": _("Add a member"),
            "remove": _("Remove from the team"),
            "confirm_remove": _("Tap again to remove %(name)s"),
            "public_phone": _("Phone number villagers may call"),
            "public_phone_hint": _(
                "Shown on posters and in the app to people who cannot sign in. Leave empty to hide it."
            ),
        },
        "actions": action_labels(),
        "outcomes": outcome_labels(),
        "blockers": {code: _(BLOCKER_LABELS[code]) for code in BLOCKERS},
        "indicators": {code: _(label) for code, label in INDICATOR_LABELS.items()},
        "statuses": {str(status.value): str(label) for status, label in STATUS_LABELS.items()},
        "request_actions": {action: str(label) for action, label in ACTION_LABELS.items()},
        "order": {"actions": list(ACTIONS), "outcomes": list(OUTCOMES), "blockers": list(BLOCKERS)},
    }
