// The JavaScript peers against the emulator: amazon-cognito-identity-js signs in with SRP,
// aws-jwt-verify checks both tokens against the pool's JWKS, and the AWS SDK's
// fromCognitoIdentityPool trades the ID token for credentials.
//
// Usage: node peers.mjs URL USER_POOL_ID CLIENT_ID USERNAME PASSWORD IDENTITY_POOL_ID
// Prints "ok" when every check passed; throws (exit code 1) at the first that did not.

import assert from "node:assert/strict";
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";
import { CognitoJwtVerifier } from "aws-jwt-verify";
import { fromCognitoIdentityPool } from "@aws-sdk/credential-providers";

const [url, poolId, clientId, username, password, identityPoolId] = process.argv.slice(2);
const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: url });

function signIn(pass) {
  const user = new CognitoUser({ Username: username, Pool: pool });
  const details = new AuthenticationDetails({ Username: username, Password: pass });
  return new Promise((resolve, reject) =>
    user.authenticateUser(details, {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: () => reject(new Error("unexpected NEW_PASSWORD_REQUIRED")),
    }),
  );
}

// SRP sign-in (the library's default flow), and a wrong password.
const session = await signIn(password);
const idToken = session.getIdToken().getJwtToken();
const accessToken = session.getAccessToken().getJwtToken();
assert.equal(session.getIdToken().decodePayload()["cognito:username"], username);
await assert.rejects(signIn(password + "-wrong"), (e) => {
  assert.equal(e.code, "NotAuthorizedException");
  assert.equal(e.message, "Incorrect username or password.");
  return true;
});

// aws-jwt-verify, with the emulator's keys in its cache (it would fetch them from AWS).
const jwks = await (await fetch(`${url}/${poolId}/.well-known/jwks.json`)).json();
const idVerifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: "id", clientId });
idVerifier.cacheJwks(jwks);
const idPayload = await idVerifier.verify(idToken);
assert.equal(idPayload.token_use, "id");
const accessVerifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: "access", clientId });
accessVerifier.cacheJwks(jwks);
const accessPayload = await accessVerifier.verify(accessToken);
assert.equal(accessPayload.username, username);
const [header, payload] = idToken.split(".");
await assert.rejects(idVerifier.verify(`${header}.${payload}.${"A".repeat(342)}`));

// The ID token as an identity pool login, through the AWS SDK's credential provider.
const provider = `cognito-idp.us-east-1.amazonaws.com/${poolId}`;
const credentials = fromCognitoIdentityPool({
  identityPoolId,
  logins: { [provider]: idToken },
  clientConfig: { region: "us-east-1", endpoint: url },
});
const creds = await credentials();
assert.match(creds.accessKeyId, /^ASIA/);
assert.ok(creds.sessionToken);
assert.ok(creds.identityId.startsWith("us-east-1:"));

console.log("ok");
