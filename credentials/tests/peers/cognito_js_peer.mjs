// amazon-cognito-identity-js as the other client of a user-pool sign-in, for the cross-checks
// of `tests/peers.rs`. It runs from the directory the emulator's Node peers are installed in.
//
// Usage:
//   node cognito_js_peer.mjs sign-in URL POOL_ID CLIENT_ID USERNAME PASSWORD
//       SRP sign-in (the library's default flow).
//   node cognito_js_peer.mjs refresh URL POOL_ID CLIENT_ID USERNAME REFRESH_TOKEN
//       refreshSession() with a CognitoRefreshToken another client was given.
//
// Prints one JSON object: the refresh token, the ID token, and the ID token's `sub` and
// `cognito:username`. Throws (exit code 1) at the first failure.

import {
  AuthenticationDetails,
  CognitoRefreshToken,
  CognitoUser,
  CognitoUserPool,
} from "amazon-cognito-identity-js";

const [action, url, poolId, clientId, username, secret] = process.argv.slice(2);
const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: url });
const user = new CognitoUser({ Username: username, Pool: pool });

function signIn() {
  const details = new AuthenticationDetails({ Username: username, Password: secret });
  return new Promise((resolve, reject) =>
    user.authenticateUser(details, {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: () => reject(new Error("unexpected NEW_PASSWORD_REQUIRED")),
    }),
  );
}

function refresh() {
  const token = new CognitoRefreshToken({ RefreshToken: secret });
  return new Promise((resolve, reject) =>
    user.refreshSession(token, (error, session) => (error ? reject(error) : resolve(session))),
  );
}

let session;
if (action === "sign-in") {
  session = await signIn();
} else if (action === "refresh") {
  session = await refresh();
} else {
  throw new Error(`unknown action ${JSON.stringify(action)}: sign-in or refresh`);
}
if (!session.isValid()) {
  throw new Error("the session's tokens are not valid");
}
const claims = session.getIdToken().decodePayload();
console.log(
  JSON.stringify({
    refresh_token: session.getRefreshToken().getToken(),
    id_token: session.getIdToken().getJwtToken(),
    sub: claims.sub,
    username: claims["cognito:username"],
  }),
);
