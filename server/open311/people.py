"""The person a partner filed for: the request becomes theirs when they sign in, and what the partner
sent about them is in their export and goes when they are erased. Connected to the signals of server.auth and server.residents."""

from ..signals import person_erased, person_exported, phone_signed_in
from .filing import claim_filed_requests, erase_filed_personal_data, export_filed_personal_data


def _claim(_sender, user, **_extra):
    claim_filed_requests(user)


def _erase(_sender, phones, **_extra):
    erase_filed_personal_data(phones)


def _export(_sender, phones, scope=None, **_extra) -> dict:
    return export_filed_personal_data(phones, scope)


def connect_signals() -> None:
    phone_signed_in.connect(_claim)
    person_erased.connect(_erase)
    person_exported.connect(_export)
