"""boto3, pycognito and PyJWT against the emulator's user pools.

Usage: python boto3_user_pools.py URL

Both boto3 clients find the emulator through AWS_ENDPOINT_URL alone, as an app's would. The
admin flows, USER_PASSWORD_AUTH, refresh, sign-out, groups and ListUsers filters go through
boto3; pycognito signs in with SRP, changes the password and refreshes; PyJWT verifies the
tokens against the pool's JWKS with the pool's issuer. Exits non-zero on the first mismatch.
"""

import json
import os
import sys
import urllib.request

import boto3
import jwt
from botocore.exceptions import ClientError
from pycognito import Cognito

URL = sys.argv[1]
assert os.environ.get("AWS_ENDPOINT_URL") == URL, "the endpoint comes from AWS_ENDPOINT_URL"
REGION = "us-east-1"
PASSWORD = "Passw0rd!"

idp = boto3.client("cognito-idp", region_name=REGION)
identity = boto3.client("cognito-identity", region_name=REGION)


def fails(code, call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        assert got == code, f"expected {code}, got {got}: {e}"
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
        return e.response["Error"]["Message"]
    raise AssertionError(f"succeeded; expected {code}")


def get_json(path):
    with urllib.request.urlopen(URL + path) as r:
        return json.load(r)


# Both services answer on the same port.
assert "IdentityPools" in identity.list_identity_pools(MaxResults=10)

pool = idp.create_user_pool(
    PoolName="boto3",
    Policies={"PasswordPolicy": {"MinimumLength": 10, "RequireSymbols": False}},
    Schema=[{"Name": "team", "AttributeDataType": "String"}],
)["UserPool"]
pool_id = pool["Id"]
client_id = idp.create_user_pool_client(
    UserPoolId=pool_id,
    ClientName="app",
    ExplicitAuthFlows=[
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ],
)["UserPoolClient"]["ClientId"]

# The policy's own wording.
message = fails(
    "InvalidPasswordException",
    idp.sign_up,
    ClientId=client_id,
    Username="short",
    Password="Sh0rtpass",
)
assert message == "Password did not conform with policy: Password not long enough", message

# Admin flow: a temporary password, then the new-password challenge.
user = idp.admin_create_user(
    UserPoolId=pool_id,
    Username="alice",
    TemporaryPassword="Temporary-1",
    UserAttributes=[
        {"Name": "email", "Value": "alice@example.com"},
        {"Name": "custom:team", "Value": "red"},
    ],
    MessageAction="SUPPRESS",
)["User"]
assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD", user
started = idp.admin_initiate_auth(
    UserPoolId=pool_id,
    ClientId=client_id,
    AuthFlow="ADMIN_USER_PASSWORD_AUTH",
    AuthParameters={"USERNAME": "alice", "PASSWORD": "Temporary-1"},
)
assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED", started
done = idp.admin_respond_to_auth_challenge(
    UserPoolId=pool_id,
    ClientId=client_id,
    ChallengeName="NEW_PASSWORD_REQUIRED",
    Session=started["Session"],
    ChallengeResponses={"USERNAME": "alice", "NEW_PASSWORD": PASSWORD + "x"},
)
assert "IdToken" in done["AuthenticationResult"], done
assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"] == "CONFIRMED"
idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD + "y", Permanent=True)

# Groups reach the tokens.
idp.create_group(
    UserPoolId=pool_id,
    GroupName="admins",
    Precedence=1,
    RoleArn="arn:aws:iam::123456789012:role/Admin",
)
idp.admin_add_user_to_group(UserPoolId=pool_id, Username="alice", GroupName="admins")
groups = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="alice")["Groups"]
assert [g["GroupName"] for g in groups] == ["admins"], groups

# USER_PASSWORD_AUTH, and the error for a wrong password.
message = fails(
    "NotAuthorizedException",
    idp.initiate_auth,
    ClientId=client_id,
    AuthFlow="USER_PASSWORD_AUTH",
    AuthParameters={"USERNAME": "alice", "PASSWORD": "wrong-password"},
)
assert message == "Incorrect username or password.", message
result = idp.initiate_auth(
    ClientId=client_id,
    AuthFlow="USER_PASSWORD_AUTH",
    AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD + "y"},
)["AuthenticationResult"]

# PyJWT: the tokens verify against the pool's JWKS with the pool's issuer.
issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}"
jwks = get_json(f"/{pool_id}/.well-known/jwks.json")
assert get_json(f"/{pool_id}/.well-known/openid-configuration")["issuer"] == issuer
keys = {k["kid"]: jwt.PyJWK(k) for k in jwks["keys"]}


def verify(token, **kwargs):
    key = keys[jwt.get_unverified_header(token)["kid"]]
    return jwt.decode(token, key.key, algorithms=["RS256"], issuer=issuer, **kwargs)


id_claims = verify(result["IdToken"], audience=client_id)
assert id_claims["token_use"] == "id" and id_claims["cognito:username"] == "alice", id_claims
assert id_claims["cognito:groups"] == ["admins"], id_claims
assert id_claims["cognito:preferred_role"] == "arn:aws:iam::123456789012:role/Admin", id_claims
assert id_claims["custom:team"] == "red", id_claims
access_claims = verify(result["AccessToken"], options={"verify_aud": False})
assert "aud" not in access_claims and access_claims["client_id"] == client_id, access_claims
assert access_claims["scope"] == "aws.cognito.signin.user.admin", access_claims

# Refresh, then sign out everywhere.
renewed = idp.initiate_auth(
    ClientId=client_id,
    AuthFlow="REFRESH_TOKEN_AUTH",
    AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
)["AuthenticationResult"]
assert verify(renewed["IdToken"], audience=client_id)["sub"] == id_claims["sub"]
assert idp.get_user(AccessToken=renewed["AccessToken"])["Username"] == "alice"
idp.global_sign_out(AccessToken=renewed["AccessToken"])
message = fails("NotAuthorizedException", idp.get_user, AccessToken=renewed["AccessToken"])
assert message == "Access Token has been revoked", message
fails(
    "NotAuthorizedException",
    idp.initiate_auth,
    ClientId=client_id,
    AuthFlow="REFRESH_TOKEN_AUTH",
    AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
)

# ListUsers filters.
for name, email in [("bob", "bob@example.org"), ("bea", "bea@example.com")]:
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=name,
        UserAttributes=[{"Name": "email", "Value": email}],
        MessageAction="SUPPRESS",
    )
for flt, expected in [
    ('username ^= "b"', ["bob", "bea"]),
    ('email = "alice@example.com"', ["alice"]),
    ('cognito:user_status = "FORCE_CHANGE_PASSWORD"', ["bob", "bea"]),
]:
    users = idp.list_users(UserPoolId=pool_id, Filter=flt)["Users"]
    assert [u["Username"] for u in users] == expected, (flt, users)
fails("InvalidParameterException", idp.list_users, UserPoolId=pool_id, Filter="email")

# pycognito: SRP sign-in, password change, refresh.
u = Cognito(pool_id, client_id, username="alice")
u.pool_jwk = jwks  # pycognito would fetch them from AWS; the emulator's are the ones to use.
u.authenticate(password=PASSWORD + "y")
assert u.id_claims["cognito:username"] == "alice", u.id_claims
u.change_password(PASSWORD + "y", PASSWORD + "z")
fails(
    "NotAuthorizedException",
    idp.initiate_auth,
    ClientId=client_id,
    AuthFlow="USER_PASSWORD_AUTH",
    AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD + "y"},
)
first_access = u.access_token
u.renew_access_token()
assert u.access_token != first_access
v = Cognito(pool_id, client_id, username="alice")
v.pool_jwk = jwks
v.authenticate(password=PASSWORD + "z")

print("ok")
