"""A boto3 user's flow across all 23 Cognito Identity operations, against the emulator.

Usage: python boto3_flow.py URL

Every output and error code is checked as a boto3 user sees it; OpenID tokens are verified
with PyJWT against the JWKS document the emulator serves. Exits non-zero on the first
mismatch, and prints the operations it called.
"""

import base64
import json
import re
import sys
import time

import boto3
import jwt
from botocore.exceptions import ClientError

URL = sys.argv[1]
REGION = "us-east-1"
ACCOUNT = "123456789012"
ID_RE = re.compile(r"^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

client = boto3.client(
    "cognito-identity",
    endpoint_url=URL,
    region_name=REGION,
    aws_access_key_id="AKIDEXAMPLE",
    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
)

called = set()


def op(name, **kwargs):
    called.add(name)
    method = getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower())
    return method(**kwargs)


def fails(code, name, **kwargs):
    try:
        op(name, **kwargs)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        assert got == code, f"{name}: expected {code}, got {got}: {e}"
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
        return e.response["Error"]["Message"]
    raise AssertionError(f"{name} succeeded; expected {code}")


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def session_payload(token):
    raw = base64.b64decode(token)
    return json.loads(raw[: raw.index(b"\n")])


jwks = jwt.PyJWKClient(URL + "/.well-known/jwks.json")


def verify(token, pool_id):
    key = jwks.get_signing_key_from_jwt(token)
    check(jwt.get_unverified_header(token).get("typ") == "JWS", token)
    return jwt.decode(token, key.key, algorithms=["RS512"], audience=pool_id, issuer=URL)


# --- pools -------------------------------------------------------------------------------
OIDC = "arn:aws:iam::123456789012:oidc-provider/accounts.google.com"
pool = op(
    "CreateIdentityPool",
    IdentityPoolName="flow pool",
    AllowUnauthenticatedIdentities=True,
    SupportedLoginProviders={"graph.facebook.com": "7346241598935555"},
    DeveloperProviderName="login.example.app",
    OpenIdConnectProviderARNs=[OIDC],
    IdentityPoolTags={"team": "blue"},
)
pool_id = pool["IdentityPoolId"]
check(ID_RE.match(pool_id), f"pool id {pool_id}")
# Created without the flag, the pool leaves it unset and answers without it, as the service
# does (a stored False would refuse GetOpenIdToken).
check("AllowClassicFlow" not in pool, pool)
check(pool["IdentityPoolTags"] == {"team": "blue"}, pool)
closed = op("CreateIdentityPool", IdentityPoolName="closed", AllowUnauthenticatedIdentities=False)

described = op("DescribeIdentityPool", IdentityPoolId=pool_id)
check(described["DeveloperProviderName"] == "login.example.app", described)
check(described["OpenIdConnectProviderARNs"] == [OIDC], described)
fails("ResourceNotFoundException", "DescribeIdentityPool", IdentityPoolId="us-east-1:00000000-0000-4000-8000-000000000000")

seen, token = [], None
while True:
    kwargs = {"MaxResults": 1}
    if token:
        kwargs["NextToken"] = token
    page = op("ListIdentityPools", **kwargs)
    check(len(page["IdentityPools"]) <= 1, page)
    seen += [p["IdentityPoolId"] for p in page["IdentityPools"]]
    token = page.get("NextToken")
    if not token:
        break
check(pool_id in seen and closed["IdentityPoolId"] in seen, seen)
check(len(seen) == len(set(seen)), f"duplicates across pages: {seen}")

updated = op(
    "UpdateIdentityPool",
    IdentityPoolId=pool_id,
    IdentityPoolName="renamed",
    AllowUnauthenticatedIdentities=True,
    SupportedLoginProviders={"graph.facebook.com": "7346241598935555"},
    DeveloperProviderName="login.example.app",
    OpenIdConnectProviderARNs=[OIDC],
)
check(updated["IdentityPoolName"] == "renamed", updated)
fails(
    "InvalidParameterException",
    "UpdateIdentityPool",
    IdentityPoolId=pool_id,
    IdentityPoolName="renamed",
    AllowUnauthenticatedIdentities=True,
    DeveloperProviderName="another.name",
)

# --- roles ---------------------------------------------------------------------------------
AUTH = "arn:aws:iam::123456789012:role/Authenticated"
UNAUTH = "arn:aws:iam::123456789012:role/Unauthenticated"
op("SetIdentityPoolRoles", IdentityPoolId=pool_id, Roles={"authenticated": AUTH, "unauthenticated": UNAUTH})
roles = op("GetIdentityPoolRoles", IdentityPoolId=pool_id)
check(roles["Roles"] == {"authenticated": AUTH, "unauthenticated": UNAUTH}, roles)
fails("NotAuthorizedException", "SetIdentityPoolRoles", IdentityPoolId=pool_id, Roles={"authenticated": "not-an-arn-at-all-really"})
fails(
    "InvalidParameterException",
    "SetIdentityPoolRoles",
    IdentityPoolId=pool_id,
    Roles={"authenticated": AUTH},
    RoleMappings={"www.amazon.com": {"Type": "Token", "AmbiguousRoleResolution": "Deny"}},
)
fails(
    "InvalidParameterException",
    "SetIdentityPoolRoles",
    IdentityPoolId=pool_id,
    Roles={"authenticated": AUTH},
    RoleMappings={"graph.facebook.com": {"Type": "Rules"}},
)

# --- identities ----------------------------------------------------------------------------
guest = op("GetId", IdentityPoolId=pool_id)["IdentityId"]
check(ID_RE.match(guest), guest)
fb = {"graph.facebook.com": "facebook-user-token-1"}
alice = op("GetId", IdentityPoolId=pool_id, Logins=fb)["IdentityId"]
check(op("GetId", IdentityPoolId=pool_id, Logins=fb)["IdentityId"] == alice, "same login, same id")
check(alice != guest, "a login gets its own identity")
msg = fails("NotAuthorizedException", "GetId", IdentityPoolId=closed["IdentityPoolId"])
check(msg == "Unauthenticated access is not supported for this identity pool.", msg)
fails("NotAuthorizedException", "GetId", IdentityPoolId=pool_id, Logins={"www.amazon.com": "x"})

creds = op("GetCredentialsForIdentity", IdentityId=guest)
c = creds["Credentials"]
check(re.fullmatch(r"ASIA[A-Z0-9]{16}", c["AccessKeyId"]), c["AccessKeyId"])
check(len(c["SecretKey"]) == 40, c)
remaining = c["Expiration"].timestamp() - time.time()
check(3000 < remaining <= 3600 + 5, f"expiration {remaining}s away")
check(session_payload(c["SessionToken"])["RoleArn"] == UNAUTH, "guest gets the unauthenticated role")
auth = op("GetCredentialsForIdentity", IdentityId=alice, Logins=fb)["Credentials"]
check(session_payload(auth["SessionToken"])["RoleArn"] == AUTH, "a login gets the authenticated role")
custom = "arn:aws:iam::123456789012:role/Custom"
custom_creds = op("GetCredentialsForIdentity", IdentityId=alice, Logins=fb, CustomRoleArn=custom)["Credentials"]
check(session_payload(custom_creds["SessionToken"])["RoleArn"] == custom, "CustomRoleArn is honoured")
msg = fails("NotAuthorizedException", "GetCredentialsForIdentity", IdentityId=alice)
check(msg.startswith("Logins don't match"), msg)
fails("ResourceNotFoundException", "GetCredentialsForIdentity", IdentityId="us-east-1:00000000-0000-4000-8000-000000000000")

token = op("GetOpenIdToken", IdentityId=alice, Logins=fb)
claims = verify(token["Token"], pool_id)
check(claims["sub"] == alice and claims["aud"] == pool_id, claims)
check(claims["amr"][0] == "authenticated" and "graph.facebook.com" in claims["amr"], claims)
check(claims["exp"] - claims["iat"] == 600, claims)
guest_claims = verify(op("GetOpenIdToken", IdentityId=guest)["Token"], pool_id)
check(guest_claims["amr"] == ["unauthenticated"], guest_claims)

# The service's own token is a login for the identity it names.
cognito_login = {"cognito-identity.amazonaws.com": token["Token"]}
again = op("GetCredentialsForIdentity", IdentityId=alice, Logins=cognito_login)
check(again["IdentityId"] == alice, again)

# A guest's own token proves the identity, not a sign-in: it keeps the guest's role, and it
# stops working once the pool stops allowing guests.
guest_pool = op("CreateIdentityPool", IdentityPoolName="guests", AllowUnauthenticatedIdentities=True)
guest_pool_id = guest_pool["IdentityPoolId"]
op("SetIdentityPoolRoles", IdentityPoolId=guest_pool_id, Roles={"authenticated": AUTH, "unauthenticated": UNAUTH})
visitor = op("GetId", IdentityPoolId=guest_pool_id)["IdentityId"]
visitor_token = op("GetOpenIdToken", IdentityId=visitor)["Token"]
check(verify(visitor_token, guest_pool_id)["amr"] == ["unauthenticated"], "guest token")
visitor_login = {"cognito-identity.amazonaws.com": visitor_token}
promoted = op("GetCredentialsForIdentity", IdentityId=visitor, Logins=visitor_login)["Credentials"]
check(session_payload(promoted["SessionToken"])["RoleArn"] == UNAUTH, "a guest token stays a guest's")
check(session_payload(promoted["SessionToken"])["Amr"] == ["unauthenticated"], "guest amr")
closed_config = op("DescribeIdentityPool", IdentityPoolId=guest_pool_id)
closed_config.pop("ResponseMetadata", None)
closed_config["AllowUnauthenticatedIdentities"] = False
op("UpdateIdentityPool", **closed_config)
msg = fails("NotAuthorizedException", "GetCredentialsForIdentity", IdentityId=visitor, Logins=visitor_login)
check(msg == "Unauthenticated access is not supported for this identity pool.", msg)
op("DeleteIdentityPool", IdentityPoolId=guest_pool_id)

# --- developer identities ------------------------------------------------------------------
dev = op(
    "GetOpenIdTokenForDeveloperIdentity",
    IdentityPoolId=pool_id,
    Logins={"login.example.app": "user-1"},
    PrincipalTags={"dept": "eng"},
    TokenDuration=3600,
)
bob = dev["IdentityId"]
dev_claims = verify(dev["Token"], pool_id)
check(dev_claims["exp"] - dev_claims["iat"] == 3600, dev_claims)
check(dev_claims["https://aws.amazon.com/tags"]["principal_tags"] == {"dept": ["eng"]}, dev_claims)
carol = op("GetOpenIdTokenForDeveloperIdentity", IdentityPoolId=pool_id, Logins={"login.example.app": "user-2"})["IdentityId"]
fails(
    "DeveloperUserAlreadyRegisteredException",
    "GetOpenIdTokenForDeveloperIdentity",
    IdentityPoolId=pool_id,
    IdentityId=carol,
    Logins={"login.example.app": "user-1"},
)
looked = op("LookupDeveloperIdentity", IdentityPoolId=pool_id, DeveloperUserIdentifier="user-1")
check(looked["IdentityId"] == bob and looked["DeveloperUserIdentifierList"] == ["user-1"], looked)
fails("ResourceNotFoundException", "LookupDeveloperIdentity", IdentityPoolId=pool_id, DeveloperUserIdentifier="nobody")
merged = op(
    "MergeDeveloperIdentities",
    SourceUserIdentifier="user-2",
    DestinationUserIdentifier="user-1",
    DeveloperProviderName="login.example.app",
    IdentityPoolId=pool_id,
)
check(merged["IdentityId"] == bob, merged)
looked = op("LookupDeveloperIdentity", IdentityPoolId=pool_id, IdentityId=bob, MaxResults=1)
check(looked["DeveloperUserIdentifierList"] == ["user-1"] and "NextToken" in looked, looked)
rest = op("LookupDeveloperIdentity", IdentityPoolId=pool_id, IdentityId=bob, NextToken=looked["NextToken"])
check(rest["DeveloperUserIdentifierList"] == ["user-2"], rest)
op(
    "UnlinkDeveloperIdentity",
    IdentityId=bob,
    IdentityPoolId=pool_id,
    DeveloperProviderName="login.example.app",
    DeveloperUserIdentifier="user-2",
)
fails(
    "ResourceNotFoundException",
    "UnlinkDeveloperIdentity",
    IdentityId=bob,
    IdentityPoolId=pool_id,
    DeveloperProviderName="login.example.app",
    DeveloperUserIdentifier="user-2",
)

# --- describe, list, unlink ----------------------------------------------------------------
desc = op("DescribeIdentity", IdentityId=alice)
check(desc["IdentityId"] == alice and desc["Logins"] == ["graph.facebook.com"], desc)
check(desc["CreationDate"] <= desc["LastModifiedDate"], desc)
op("UnlinkIdentity", IdentityId=alice, Logins=fb, LoginsToRemove=["graph.facebook.com"])
check(op("DescribeIdentity", IdentityId=alice).get("Logins") in (None, []), "login unlinked")
all_ids = [i["IdentityId"] for i in op("ListIdentities", IdentityPoolId=pool_id, MaxResults=60)["Identities"]]
check(alice in all_ids and guest in all_ids and bob in all_ids, all_ids)
visible = [i["IdentityId"] for i in op("ListIdentities", IdentityPoolId=pool_id, MaxResults=60, HideDisabled=True)["Identities"]]
check(alice not in visible and guest in visible, visible)
fails("ResourceNotFoundException", "DescribeIdentity", IdentityId="us-east-1:00000000-0000-4000-8000-000000000000")

# --- principal tags and resource tags ------------------------------------------------------
tags = op(
    "SetPrincipalTagAttributeMap",
    IdentityPoolId=pool_id,
    IdentityProviderName="graph.facebook.com",
    UseDefaults=False,
    PrincipalTags={"user": "sub"},
)
check(tags["PrincipalTags"] == {"user": "sub"} and tags["UseDefaults"] is False, tags)
got = op("GetPrincipalTagAttributeMap", IdentityPoolId=pool_id, IdentityProviderName="graph.facebook.com")
check(got["PrincipalTags"] == {"user": "sub"}, got)
fails("InvalidParameterException", "GetPrincipalTagAttributeMap", IdentityPoolId=pool_id, IdentityProviderName="www.amazon.com")

arn = f"arn:aws:cognito-identity:{REGION}:{ACCOUNT}:identitypool/{pool_id}"
op("TagResource", ResourceArn=arn, Tags={"env": "test"})
check(op("ListTagsForResource", ResourceArn=arn)["Tags"] == {"team": "blue", "env": "test"}, "tags merged")
op("UntagResource", ResourceArn=arn, TagKeys=["team"])
check(op("ListTagsForResource", ResourceArn=arn)["Tags"] == {"env": "test"}, "tag removed")
fails("ResourceNotFoundException", "ListTagsForResource", ResourceArn=arn.replace(pool_id, "us-east-1:00000000-0000-4000-8000-000000000000"))

# --- deletes -------------------------------------------------------------------------------
unknown = "us-east-1:00000000-0000-4000-8000-000000000000"
deleted = op("DeleteIdentities", IdentityIdsToDelete=[guest, unknown])
check([u["IdentityId"] for u in deleted["UnprocessedIdentityIds"]] == [unknown], deleted)
fails("ResourceNotFoundException", "DescribeIdentity", IdentityId=guest)
op("DeleteIdentityPool", IdentityPoolId=pool_id)
fails("ResourceNotFoundException", "DescribeIdentityPool", IdentityPoolId=pool_id)
op("DeleteIdentityPool", IdentityPoolId=closed["IdentityPoolId"])

fails("ResourceNotFoundException", "GetId", IdentityPoolId=pool_id)
# The router's validation answers what boto3 does not check itself (patterns).
fails("ValidationException", "GetId", IdentityPoolId="no-colon-here")

expected = set(client.meta.service_model.operation_names)
missing = expected - called
check(not missing, f"operations not called: {sorted(missing)}")
print(f"boto3 flow: {len(called)} operations called, all checks passed")
