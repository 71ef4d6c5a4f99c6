"""Firebase Auth emulator tokens, for development, the demo and tests only.

They are unsigned (alg "none"); firebase-admin accepts them only when
FIREBASE_AUTH_EMULATOR_HOST is set, which production refuses at start-up."""

import hashlib
import time

import jwt


def uid_for_phone(phone: str) -> str:
    return "dev-" + hashlib.sha256(phone.encode()).hexdigest()[:20]


def mint_emulator_token(
    project_id: str, phone: str | None, uid: str | None = None, lifetime: int = 3600, **overrides
) -> str:
    now = int(time.time())
    uid = uid or uid_for_phone(phone or "anonymous")
    claims = {
        "iss": f"https://securetoken.google.com/{project_id}",
        "aud": project_id,
        "auth_time": now,
        "user_id": uid,
        "sub": uid,
        "iat": now,
        "exp": now + lifetime,
        "firebase": {"identities": {"phone": [phone]} if phone else {}, "sign_in_provider": "phone"},
    }
    if phone:
        claims["phone_number"] = phone
    claims.update(overrides)
    return jwt.encode(claims, key=None, algorithm="none")
