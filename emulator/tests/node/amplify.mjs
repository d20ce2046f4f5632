// Amplify JS v6 against the emulator: Auth configured with the emulator's user pool and
// identity pool (both endpoints overridden), signIn with SRP (Amplify's default flow),
// fetchAuthSession for identity-pool credentials, the same IdentityId after signing in again,
// and a forced refresh (GetTokensFromRefreshToken).
//
// Usage: node amplify.mjs URL USER_POOL_ID CLIENT_ID USERNAME PASSWORD IDENTITY_POOL_ID
// Prints "ok" when every check passed; exits 1 naming the first step that failed.

import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";

// Amplify is written for browsers. Node 20 has fetch and TextEncoder; it may lack the Web
// Crypto global (Amplify's SRP draws its random numbers from it) and has no localStorage,
// which Amplify's default token store uses when it finds one. Tokens go to an in-memory
// store below instead, so only crypto is provided here.
if (!globalThis.crypto) {
  globalThis.crypto = webcrypto;
}

const { Amplify } = await import("aws-amplify");
const { signIn, signOut, fetchAuthSession } = await import("aws-amplify/auth");
const { cognitoUserPoolsTokenProvider } = await import("aws-amplify/auth/cognito");

const [url, userPoolId, userPoolClientId, username, password, identityPoolId] =
  process.argv.slice(2);

// A Map behind Amplify's KeyValueStorage interface: the session lives as long as the process.
const memory = new Map();
cognitoUserPoolsTokenProvider.setKeyValueStorage({
  setItem: async (key, value) => void memory.set(key, value),
  getItem: async (key) => memory.get(key) ?? null,
  removeItem: async (key) => void memory.delete(key),
  clear: async () => memory.clear(),
});

Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId,
      userPoolClientId,
      identityPoolId,
      userPoolEndpoint: url,
      identityPoolEndpoint: url,
      allowGuestAccess: false,
    },
  },
});

async function step(name, run) {
  try {
    return await run();
  } catch (e) {
    console.error(`amplify step "${name}" failed: ${e?.name ?? ""}: ${e?.message ?? e}`);
    if (e?.underlyingError) console.error("caused by:", e.underlyingError);
    process.exit(1);
  }
}

const first = await step("signIn (SRP)", () => signIn({ username, password }));
assert.equal(first.isSignedIn, true, `signIn answered ${JSON.stringify(first.nextStep)}`);

const session = await step("fetchAuthSession", () => fetchAuthSession());
assert.equal(session.tokens.idToken.payload["cognito:username"], username);
assert.equal(session.tokens.accessToken.payload.username, username);
assert.match(session.credentials.accessKeyId, /^ASIA/);
assert.ok(session.credentials.secretAccessKey);
assert.ok(session.credentials.sessionToken);
assert.ok(session.identityId.startsWith("us-east-1:"), session.identityId);

// A forced refresh trades the refresh token for new ID and access tokens.
const refreshed = await step("fetchAuthSession({ forceRefresh: true })", () =>
  fetchAuthSession({ forceRefresh: true }),
);
assert.notEqual(refreshed.tokens.accessToken.toString(), session.tokens.accessToken.toString());
assert.equal(refreshed.tokens.idToken.payload.sub, session.tokens.idToken.payload.sub);
assert.equal(refreshed.identityId, session.identityId);

// Signing out and in again keeps the identity: the pool keys it on the user's sub.
await step("signOut", () => signOut());
const second = await step("second signIn", () => signIn({ username, password }));
assert.equal(second.isSignedIn, true);
const again = await step("fetchAuthSession after the second signIn", () => fetchAuthSession());
assert.equal(again.identityId, session.identityId);
assert.match(again.credentials.accessKeyId, /^ASIA/);

// A wrong password is refused with the service's error.
await step("signOut before the wrong password", () => signOut());
await assert.rejects(signIn({ username, password: password + "-wrong" }), (e) => {
  assert.equal(e.name, "NotAuthorizedException");
  assert.equal(e.message, "Incorrect username or password.");
  return true;
});

console.log("ok");
