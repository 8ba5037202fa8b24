"""A relying party written with Authlib and requests, as Debian packages them.

The test drives it: it prints the authorization URL, reads the URL the browser was sent back to
from stdin, exchanges the code (with PKCE), verifies the ID token against the provider's JWKS,
refreshes, verifies again, and prints what it saw as JSON.
"""
import json
import secrets
import sys

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken

issuer, client_id, client_secret, redirect_uri = sys.argv[1:5]
metadata = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
assert metadata["issuer"] == issuer, "discovery names another issuer"
keys = JsonWebKey.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json())

session = OAuth2Session(
    client_id,
    client_secret,
    scope="openid email offline_access",
    redirect_uri=redirect_uri,
    code_challenge_method="S256",
)
nonce = secrets.token_urlsafe(32)
verifier = secrets.token_urlsafe(48)
url, state = session.create_authorization_url(metadata["authorization_endpoint"], nonce=nonce, code_verifier=verifier)
print(url, flush=True)

callback = sys.stdin.readline().strip()
token = session.fetch_token(metadata["token_endpoint"], authorization_response=callback, state=state, code_verifier=verifier)


def verify(id_token, expected_nonce):
    claims = jwt.decode(
        id_token,
        keys,
        claims_cls=CodeIDToken,
        claims_options={"iss": {"essential": True, "value": issuer}},
        claims_params={"nonce": expected_nonce, "client_id": client_id},
    )
    claims.validate()
    return claims


claims = verify(token["id_token"], nonce)
refreshed = session.refresh_token(metadata["token_endpoint"], refresh_token=token["refresh_token"])
refreshed_claims = verify(refreshed["id_token"], None)
print(
    json.dumps(
        {
            "sub": claims["sub"],
            "email": claims.get("email"),
            "refreshedSub": refreshed_claims["sub"],
            "rotated": refreshed["refresh_token"] != token["refresh_token"],
            "refreshedToken": refreshed["access_token"] != token["access_token"],
        }
    ),
    flush=True,
)
