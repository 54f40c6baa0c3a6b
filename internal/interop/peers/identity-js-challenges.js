#!/usr/bin/env node
// Sign in with the OFFICIAL amazon-cognito-identity-js (v6) through the
// challenges it answers by itself: an authenticator-app code
// (totpRequired), a choice of MFA (selectMFAType), MFA setup
// (mfaSetup → associateSoftwareToken → verifySoftwareToken), a custom
// challenge, and remembered devices (ConfirmDevice after the first
// sign-in, DEVICE_SRP_AUTH + DEVICE_PASSWORD_VERIFIER on the next, refresh
// with the device key). Used by cogscope's identity_js_challenges_test.go.
//
// usage: node identity-js-challenges.js <endpointURL> <scenario> <userPoolId> <clientId> <username> <password> [totpSecret] [answer]
//   scenario  totp | select | setup | custom | device
// stdout: one JSON object {ok, scenario, callbacks:[...], exchanges:[{op, challenge?, error?}], claims?, device?, second?}
// exit 0 when the sign-in(s) succeeded, 1 otherwise. The app client must have no secret.
'use strict';
const crypto = require('node:crypto');
const lib = require('amazon-cognito-identity-js');

const [endpointArg, scenario, userPoolId, clientId, username, password, totpSecret, answer] = process.argv.slice(2);
if (!userPoolId || !['totp', 'select', 'setup', 'custom', 'device'].includes(scenario)) {
  console.error('usage: identity-js-challenges.js <endpointURL> totp|select|setup|custom|device <userPoolId> <clientId> <username> <password> [totpSecret] [answer]');
  process.exit(2);
}
const endpoint = endpointArg.endsWith('/') ? endpointArg : endpointArg + '/';

// totp is RFC 6238 (SHA-1, 30 s, 6 digits) over a base32 secret.
function totp(secret, t = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30000)));
  const h = crypto.createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}

function memoryStorage() {
  const m = {};
  return { setItem: (k, v) => { m[k] = String(v); }, getItem: (k) => (k in m ? m[k] : null), removeItem: (k) => { delete m[k]; }, clear: () => {} };
}

const out = { ok: false, scenario, callbacks: [], exchanges: [] };
const storage = memoryStorage();
const pool = new lib.CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId, endpoint, Storage: storage });
// Record every exchange the library makes: the operation and the
// challenge (or error) that came back.
const request = pool.client.request.bind(pool.client);
pool.client.request = (op, params, cb) => request(op, params, (err, data) => {
  const e = { op };
  if (params && params.AuthFlow) e.flow = params.AuthFlow;
  if (params && params.ChallengeName) e.answered = params.ChallengeName;
  if (data && data.ChallengeName) e.challenge = data.ChallengeName;
  if (data && data.AuthenticationResult) e.tokens = true;
  if (err) e.error = { code: err.code, message: err.message };
  out.exchanges.push(e);
  cb(err, data);
});

function signIn() {
  const user = new lib.CognitoUser({ Username: username, Pool: pool, Storage: storage });
  return new Promise((resolve) => {
    const fail = (err) => resolve({ ok: false, err: { code: err.code || err.name, message: err.message } });
    const cbs = {
      onSuccess: (session) => resolve({ ok: true, session, user }),
      onFailure: fail,
      newPasswordRequired: () => fail({ code: 'NEW_PASSWORD_REQUIRED', message: 'not expected here' }),
      mfaRequired: (name) => fail({ code: name || 'SMS_MFA', message: 'SMS codes are not answered here' }),
      totpRequired: (name) => {
        out.callbacks.push('totpRequired');
        user.sendMFACode(totp(totpSecret), cbs, name || 'SOFTWARE_TOKEN_MFA');
      },
      selectMFAType: (name, params) => {
        out.callbacks.push('selectMFAType');
        out.mfasCanChoose = JSON.parse(params.MFAS_CAN_CHOOSE);
        user.sendMFASelectionAnswer('SOFTWARE_TOKEN_MFA', cbs);
      },
      mfaSetup: (name, params) => {
        out.callbacks.push('mfaSetup');
        out.mfasCanSetup = JSON.parse(params.MFAS_CAN_SETUP);
        user.associateSoftwareToken({
          associateSecretCode: (secret) => {
            out.callbacks.push('associateSecretCode');
            out.secretCode = secret;
            user.verifySoftwareToken(totp(secret), 'cogscope interop', cbs);
          },
          onFailure: fail,
        });
      },
      customChallenge: (params) => {
        out.callbacks.push('customChallenge');
        out.challengeParameters = params;
        user.sendCustomChallengeAnswer(answer, cbs);
      },
    };
    if (scenario === 'custom') {
      user.setAuthenticationFlowType('CUSTOM_AUTH');
      user.initiateAuth(new lib.AuthenticationDetails({ Username: username }), cbs);
    } else {
      user.authenticateUser(new lib.AuthenticationDetails({ Username: username, Password: password }), cbs);
    }
  });
}

const claimsOf = (s) => ({ id: s.getIdToken().decodePayload(), access: s.getAccessToken().decodePayload() });
const promised = (fn) => new Promise((resolve) => fn((err, data) => resolve(err ? { err: { code: err.code, message: err.message } } : { data })));

async function main() {
  const first = await signIn();
  if (!first.ok) {
    out.error = first.err;
    return;
  }
  out.claims = claimsOf(first.session);
  if (scenario !== 'device') {
    out.ok = true;
    return;
  }
  // The library confirmed the new device (ConfirmDevice) on its own; now
  // remember it, sign in again with it, and refresh with its key.
  const remembered = await promised((cb) => first.user.setDeviceStatusRemembered({ onSuccess: (r) => cb(null, r), onFailure: cb }));
  if (remembered.err) {
    out.error = remembered.err;
    return;
  }
  const second = await signIn();
  if (!second.ok) {
    out.error = second.err;
    return;
  }
  out.second = claimsOf(second.session);
  const device = await promised((cb) => second.user.getDevice({ onSuccess: (r) => cb(null, r), onFailure: cb }));
  out.device = device.data || device;
  const refreshed = await promised((cb) => second.user.refreshSession(second.session.getRefreshToken(), cb));
  if (refreshed.err) {
    out.error = refreshed.err;
    return;
  }
  out.refreshed = claimsOf(refreshed.data);
  out.ok = true;
}

main()
  .catch((e) => { out.error = { code: 'Crash', message: (e && e.stack) || String(e) }; })
  .finally(() => finish(out, out.ok ? 0 : 1));

// finish writes the result and exits once it has reached the pipe:
// process.exit right after a large write to a pipe drops what the kernel
// buffer could not take yet, and the Go test then reads a cut-off line.
function finish(obj, code) {
  process.stdout.write(JSON.stringify(obj) + '\n', () => process.exit(code));
}

