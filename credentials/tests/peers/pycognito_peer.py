"""pycognito and boto3 as the other client of a user-pool sign-in, for the cross-checks of
`tests/peers.rs`.

Usage (boto3 finds the local Cognito through AWS_ENDPOINT_URL):
  pycognito_peer.py sign-in POOL_ID CLIENT_ID USERNAME PASSWORD IDENTITY_POOL_ID [SECRET]
      SRP sign-in with pycognito.
  pycognito_peer.py refresh POOL_ID CLIENT_ID USERNAME REFRESH_TOKEN IDENTITY_POOL_ID [SECRET]
      renew_access_token() from a refresh token another client was given.
SECRET is the app client's secret, for a client that has one; IDENTITY_POOL_ID is `-` for no
identity pool.

Prints one JSON object: the refresh token, the ID token's `sub` and `cognito:username`, and
the IdentityId that the identity pool's GetId gives for the ID token (null without an identity
pool). Exits non-zero at the first failure.
"""

import json
import os
import sys
import urllib.request

import boto3
from pycognito import Cognito

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]


def jwks(pool_id):
    # pycognito would fetch the keys from AWS; the local Cognito's are the ones to use.
    with urllib.request.urlopen(f"{ENDPOINT}/{pool_id}/.well-known/jwks.json") as response:
        return json.load(response)


def identity_id(pool_id, identity_pool_id, id_token):
    region = pool_id.split("_")[0]
    identity = boto3.client("cognito-identity", region_name=region)
    logins = {f"cognito-idp.{region}.amazonaws.com/{pool_id}": id_token}
    return identity.get_id(IdentityPoolId=identity_pool_id, Logins=logins)["IdentityId"]


def main():
    action, pool_id, client_id, username, secret, identity_pool_id = sys.argv[1:7]
    client_secret = sys.argv[7] if len(sys.argv) > 7 else None
    if action == "sign-in":
        user = Cognito(pool_id, client_id, username=username, client_secret=client_secret)
        user.pool_jwk = jwks(pool_id)
        user.authenticate(password=secret)
    elif action == "refresh":
        user = Cognito(
            pool_id,
            client_id,
            username=username,
            refresh_token=secret,
            client_secret=client_secret,
        )
        user.pool_jwk = jwks(pool_id)
        user.renew_access_token()
        # renew_access_token() checks both new tokens against the pool's keys.
        assert user.access_token and user.id_token
    else:
        sys.exit(f"unknown action {action!r}: sign-in or refresh")
    claims = user.id_claims
    print(
        json.dumps(
            {
                "refresh_token": user.refresh_token,
                "sub": claims["sub"],
                "username": claims["cognito:username"],
                "identity_id": None
                if identity_pool_id == "-"
                else identity_id(pool_id, identity_pool_id, user.id_token),
            }
        )
    )


main()
