#!/usr/bin/env node
// Drive a Cognito-compatible endpoint through the AWS SDK for JavaScript v3
// (@aws-sdk/client-cognito-identity-provider) over the user-pool API's whole
// life cycle — pools, clients, groups, sign-up with its code, sign-in with
// every error a user meets, secret hashes, admin users, TOTP, password
// resets, refresh, revocation, sign-out — and record what the SDK made of
// each answer. The SDK deserializes by the service model, so the record is
// what an application would see: Dates for timestamps, numbers, booleans,
// and errors as the model's exception classes. Used by cogscope's
// cognito_fidelity_test.go, which holds the expectations.
//
// usage: node cognito-fidelity.js <endpointURL> <region>
// stdout: JSON lines. {"need":"code","username":U,"purpose":P} asks the
// caller for the last code "sent" to U (answer: the code on one stdin
// line). The last line is {"done":true,"steps":[...]} where each step is
// {step, ok, out?, error?{name, message, status, fault, requestId, modeled}};
// in out, Date values appear as {"$date": ISO-8601}.
// exit 0 once every step ran (whatever their outcome), 1 on a crash.
'use strict';
const crypto = require('node:crypto');
const readline = require('node:readline');
const idp = require('@aws-sdk/client-cognito-identity-provider');

const [endpoint, region] = process.argv.slice(2);
if (!endpoint || !region) {
  console.error('usage: cognito-fidelity.js <endpointURL> <region>');
  process.exit(2);
}
const credentials = { accessKeyId: 'AKIDLOCALSTACK', secretAccessKey: 'local-stack-secret' };
const client = new idp.CognitoIdentityProviderClient({ endpoint, region, credentials, maxAttempts: 1 });

const stdinLines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
async function askCode(username, purpose) {
  process.stdout.write(JSON.stringify({ need: 'code', username, purpose }) + '\n');
  const { value, done } = await stdinLines.next();
  if (done) throw new Error('stdin closed while waiting for a code');
  return value.trim();
}

// plain turns SDK output into JSON, marking Dates so the caller can tell a
// timestamp the SDK parsed from a string that merely looks like one.
function plain(v) {
  if (v instanceof Date) return { $date: Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString() };
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) if (k !== '$metadata' && x !== undefined) o[k] = plain(x);
    return o;
  }
  return v;
}

const steps = [];
// call runs one command and records its output or error; it returns the
// output (or null on an error) so later steps can use it.
async function call(step, Command, input, c = client) {
  try {
    const out = await c.send(new Command(input));
    steps.push({ step, ok: true, out: plain(out) });
    return out;
  } catch (e) {
    const name = e && e.name;
    steps.push({
      step, ok: false,
      error: {
        name, message: e && e.message,
        status: e && e.$metadata && e.$metadata.httpStatusCode,
        fault: e && e.$fault,
        requestId: e && e.$metadata && e.$metadata.requestId,
        modeled: Boolean(name && idp[name] && e instanceof idp[name]),
      },
    });
    return null;
  }
}
function note(step, out) { steps.push({ step, ok: true, out: plain(out) }); }

const secretHash = (secret, username, clientId) =>
  crypto.createHmac('sha256', secret).update(username + clientId).digest('base64');

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

// A client whose requests are bent on the wire after the SDK built them,
// so the service's answers to malformed requests still pass through the
// SDK's error deserializer.
function bentClient(bend) {
  const c = new idp.CognitoIdentityProviderClient({ endpoint, region, credentials, maxAttempts: 1 });
  c.middlewareStack.add((next) => async (args) => { bend(args.request); return next(args); },
    { step: 'finalizeRequest', name: 'bendRequest', priority: 'low' });
  return c;
}

async function main() {
  const password = 'Fidelity-Passw0rd!';
  // --- Pools, clients, resource servers, groups.
  const created = await call('CreateUserPool', idp.CreateUserPoolCommand, {
    PoolName: 'fidelity-pool',
    Policies: { PasswordPolicy: { MinimumLength: 10, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true } },
    AutoVerifiedAttributes: ['email'],
    Schema: [{ Name: 'tier', AttributeDataType: 'Number', Mutable: true }],
  });
  const P = created.UserPool.Id;
  await call('DescribeUserPool', idp.DescribeUserPoolCommand, { UserPoolId: P });
  await call('ListUserPools', idp.ListUserPoolsCommand, { MaxResults: 60 });
  const pub = (await call('CreateUserPoolClient public', idp.CreateUserPoolClientCommand, {
    UserPoolId: P, ClientName: 'fidelity-public',
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    AccessTokenValidity: 30, IdTokenValidity: 45, RefreshTokenValidity: 7,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
    AuthSessionValidity: 5,
  })).UserPoolClient;
  const C = pub.ClientId;
  const sec = (await call('CreateUserPoolClient secret', idp.CreateUserPoolClientCommand, {
    UserPoolId: P, ClientName: 'fidelity-secret', GenerateSecret: true, PreventUserExistenceErrors: 'ENABLED',
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
  })).UserPoolClient;
  const S = sec.ClientId;
  const SS = sec.ClientSecret;
  await call('DescribeUserPoolClient secret', idp.DescribeUserPoolClientCommand, { UserPoolId: P, ClientId: S });
  await call('ListUserPoolClients', idp.ListUserPoolClientsCommand, { UserPoolId: P, MaxResults: 10 });
  await call('CreateResourceServer', idp.CreateResourceServerCommand, {
    UserPoolId: P, Identifier: 'orders', Name: 'Orders', Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read orders' }],
  });
  await call('CreateGroup', idp.CreateGroupCommand, { UserPoolId: P, GroupName: 'admins', Precedence: 1, Description: 'Admins' });

  // --- Sign-up and its code.
  await call('SignUp weak password', idp.SignUpCommand, { ClientId: C, Username: 'alice', Password: 'Sh0rt!' });
  await call('SignUp', idp.SignUpCommand, {
    ClientId: C, Username: 'alice', Password: password,
    UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }, { Name: 'custom:tier', Value: '3' }],
  });
  await call('SignUp existing', idp.SignUpCommand, { ClientId: C, Username: 'alice', Password: password });
  await call('InitiateAuth unconfirmed', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: C, AuthParameters: { USERNAME: 'alice', PASSWORD: password } });
  await call('AdminGetUser unconfirmed', idp.AdminGetUserCommand, { UserPoolId: P, Username: 'alice' });
  await call('ConfirmSignUp wrong code', idp.ConfirmSignUpCommand, { ClientId: C, Username: 'alice', ConfirmationCode: '000000' });
  await call('ConfirmSignUp', idp.ConfirmSignUpCommand, { ClientId: C, Username: 'alice', ConfirmationCode: await askCode('alice', 'SIGN_UP') });
  await call('AdminGetUser confirmed', idp.AdminGetUserCommand, { UserPoolId: P, Username: 'alice' });

  // --- Sign-in and its errors.
  const signIn = await call('InitiateAuth', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: C, AuthParameters: { USERNAME: 'alice', PASSWORD: password } });
  const tokens = signIn.AuthenticationResult;
  await call('InitiateAuth wrong password', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: C, AuthParameters: { USERNAME: 'alice', PASSWORD: 'Wrong-Passw0rd!' } });
  await call('InitiateAuth unknown user', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: C, AuthParameters: { USERNAME: 'nobody', PASSWORD: password } });
  await call('InitiateAuth unknown client', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'nosuchclient0000000000000', AuthParameters: { USERNAME: 'alice', PASSWORD: password } });
  await call('InitiateAuth flow not enabled', idp.InitiateAuthCommand, {
    AuthFlow: 'CUSTOM_AUTH', ClientId: C, AuthParameters: { USERNAME: 'alice' } });
  await call('InitiateAuth missing SRP_A', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_SRP_AUTH', ClientId: C, AuthParameters: { USERNAME: 'alice' } });
  const A = BigInt(2) ** BigInt(1500) + BigInt(12345); // any A with A mod N != 0 starts the exchange
  await call('InitiateAuth USER_SRP_AUTH', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_SRP_AUTH', ClientId: C, AuthParameters: { USERNAME: 'alice', SRP_A: A.toString(16) } });
  await call('RespondToAuthChallenge bad session', idp.RespondToAuthChallengeCommand, {
    ClientId: C, ChallengeName: 'SMS_MFA', Session: 'AYABeNoSuchSessionAtAllXYZ', ChallengeResponses: { USERNAME: 'alice', SMS_MFA_CODE: '123456' } });
  await call('GetUser', idp.GetUserCommand, { AccessToken: tokens.AccessToken });
  await call('GetUser garbage token', idp.GetUserCommand, { AccessToken: 'not.a.token' });
  await call('InitiateAuth REFRESH_TOKEN_AUTH', idp.InitiateAuthCommand, {
    AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: C, AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken } });
  await call('InitiateAuth REFRESH_TOKEN_AUTH garbage', idp.InitiateAuthCommand, {
    AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: C, AuthParameters: { REFRESH_TOKEN: 'garbage' } });
  await call('GetTokensFromRefreshToken', idp.GetTokensFromRefreshTokenCommand, { ClientId: C, RefreshToken: tokens.RefreshToken });

  // --- Groups reach the tokens.
  await call('AdminAddUserToGroup', idp.AdminAddUserToGroupCommand, { UserPoolId: P, Username: 'alice', GroupName: 'admins' });
  await call('AdminAddUserToGroup unknown group', idp.AdminAddUserToGroupCommand, { UserPoolId: P, Username: 'alice', GroupName: 'nosuchgroup' });
  await call('AdminListGroupsForUser', idp.AdminListGroupsForUserCommand, { UserPoolId: P, Username: 'alice' });

  // --- The client with a secret.
  await call('InitiateAuth secret missing', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: S, AuthParameters: { USERNAME: 'alice', PASSWORD: password } });
  await call('InitiateAuth secret wrong', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: S, AuthParameters: { USERNAME: 'alice', PASSWORD: password, SECRET_HASH: secretHash(SS, 'bob', S) } });
  await call('InitiateAuth secret unknown user', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: S, AuthParameters: { USERNAME: 'nobody', PASSWORD: password, SECRET_HASH: secretHash(SS, 'nobody', S) } });
  const secretSignIn = await call('InitiateAuth secret', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: S, AuthParameters: { USERNAME: 'alice', PASSWORD: password, SECRET_HASH: secretHash(SS, 'alice', S) } });
  const secretTokens = secretSignIn.AuthenticationResult;
  await call('AdminInitiateAuth', idp.AdminInitiateAuthCommand, {
    UserPoolId: P, ClientId: S, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: 'alice', PASSWORD: password, SECRET_HASH: secretHash(SS, 'alice', S) } });
  await call('SignUp secret missing', idp.SignUpCommand, { ClientId: S, Username: 'carol', Password: password });
  await call('ForgotPassword secret unknown user', idp.ForgotPasswordCommand, { ClientId: S, Username: 'nobody', SecretHash: secretHash(SS, 'nobody', S) });
  await call('REFRESH_TOKEN_AUTH secret wrong', idp.InitiateAuthCommand, {
    AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: S, AuthParameters: { REFRESH_TOKEN: secretTokens.RefreshToken, SECRET_HASH: secretHash(SS, 'bob', S) } });
  await call('REFRESH_TOKEN_AUTH secret', idp.InitiateAuthCommand, {
    AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: S, AuthParameters: { REFRESH_TOKEN: secretTokens.RefreshToken, SECRET_HASH: secretHash(SS, 'alice', S) } });
  await call('RevokeToken secret missing', idp.RevokeTokenCommand, { ClientId: S, Token: secretTokens.RefreshToken });
  await call('RevokeToken access token', idp.RevokeTokenCommand, { ClientId: S, Token: secretTokens.AccessToken, ClientSecret: SS });
  await call('RevokeToken', idp.RevokeTokenCommand, { ClientId: S, Token: secretTokens.RefreshToken, ClientSecret: SS });
  await call('REFRESH_TOKEN_AUTH revoked', idp.InitiateAuthCommand, {
    AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: S, AuthParameters: { REFRESH_TOKEN: secretTokens.RefreshToken, SECRET_HASH: secretHash(SS, 'alice', S) } });

  // --- Administrative users and NEW_PASSWORD_REQUIRED.
  await call('AdminCreateUser', idp.AdminCreateUserCommand, {
    UserPoolId: P, Username: 'bob', TemporaryPassword: 'Temp-Passw0rd!', MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }, { Name: 'email_verified', Value: 'true' }] });
  await call('AdminCreateUser existing', idp.AdminCreateUserCommand, { UserPoolId: P, Username: 'bob', MessageAction: 'SUPPRESS' });
  await call('AdminCreateUser weak password', idp.AdminCreateUserCommand, { UserPoolId: P, Username: 'dave', TemporaryPassword: 'Sh0rt!', MessageAction: 'SUPPRESS' });
  const npr = await call('InitiateAuth NEW_PASSWORD_REQUIRED', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: C, AuthParameters: { USERNAME: 'bob', PASSWORD: 'Temp-Passw0rd!' } });
  await call('RespondToAuthChallenge NEW_PASSWORD_REQUIRED weak', idp.RespondToAuthChallengeCommand, {
    ClientId: C, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: npr.Session, ChallengeResponses: { USERNAME: 'bob', NEW_PASSWORD: 'weakpassword' } });
  await call('RespondToAuthChallenge NEW_PASSWORD_REQUIRED', idp.RespondToAuthChallengeCommand, {
    ClientId: C, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: npr.Session, ChallengeResponses: { USERNAME: 'bob', NEW_PASSWORD: 'Bob-New-Passw0rd!' } });
  await call('AdminGetUser after new password', idp.AdminGetUserCommand, { UserPoolId: P, Username: 'bob' });
  await call('AdminSetUserPassword temporary', idp.AdminSetUserPasswordCommand, { UserPoolId: P, Username: 'bob', Password: 'Temp2-Passw0rd!', Permanent: false });
  await call('AdminGetUser temporary', idp.AdminGetUserCommand, { UserPoolId: P, Username: 'bob' });
  await call('AdminSetUserPassword permanent', idp.AdminSetUserPasswordCommand, { UserPoolId: P, Username: 'bob', Password: password, Permanent: true });
  await call('AdminResetUserPassword', idp.AdminResetUserPasswordCommand, { UserPoolId: P, Username: 'bob' });
  await call('InitiateAuth reset required', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: C, AuthParameters: { USERNAME: 'bob', PASSWORD: password } });
  await call('AdminDisableUser', idp.AdminDisableUserCommand, { UserPoolId: P, Username: 'alice' });
  await call('InitiateAuth disabled', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: C, AuthParameters: { USERNAME: 'alice', PASSWORD: password } });
  await call('AdminEnableUser', idp.AdminEnableUserCommand, { UserPoolId: P, Username: 'alice' });

  // --- Forgotten and changed passwords.
  await call('ForgotPassword', idp.ForgotPasswordCommand, { ClientId: C, Username: 'alice' });
  await call('ConfirmForgotPassword wrong code', idp.ConfirmForgotPasswordCommand, { ClientId: C, Username: 'alice', ConfirmationCode: '000000', Password: password });
  const resetCode = await askCode('alice', 'FORGOT_PASSWORD');
  await call('ConfirmForgotPassword weak', idp.ConfirmForgotPasswordCommand, { ClientId: C, Username: 'alice', ConfirmationCode: resetCode, Password: 'weakpassword' });
  await call('ConfirmForgotPassword', idp.ConfirmForgotPasswordCommand, { ClientId: C, Username: 'alice', ConfirmationCode: resetCode, Password: 'Reset-Passw0rd!' });
  const again = (await call('InitiateAuth after reset', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: C, AuthParameters: { USERNAME: 'alice', PASSWORD: 'Reset-Passw0rd!' } })).AuthenticationResult;
  await call('ChangePassword wrong previous', idp.ChangePasswordCommand, { AccessToken: again.AccessToken, PreviousPassword: 'Wrong-Passw0rd!', ProposedPassword: password });
  await call('ChangePassword weak', idp.ChangePasswordCommand, { AccessToken: again.AccessToken, PreviousPassword: 'Reset-Passw0rd!', ProposedPassword: 'weakpassword' });
  await call('ChangePassword', idp.ChangePasswordCommand, { AccessToken: again.AccessToken, PreviousPassword: 'Reset-Passw0rd!', ProposedPassword: password });

  // --- TOTP: associate, verify, prefer, then sign in with it.
  await call('AdminSetUserMFAPreference unverified', idp.AdminSetUserMFAPreferenceCommand, {
    UserPoolId: P, Username: 'alice', SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } });
  await call('SetUserPoolMfaConfig', idp.SetUserPoolMfaConfigCommand, {
    UserPoolId: P, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } });
  const assoc = await call('AssociateSoftwareToken', idp.AssociateSoftwareTokenCommand, { AccessToken: again.AccessToken });
  await call('VerifySoftwareToken wrong code', idp.VerifySoftwareTokenCommand, { AccessToken: again.AccessToken, UserCode: totp(assoc.SecretCode, Date.now() - 3600e3) });
  await call('VerifySoftwareToken', idp.VerifySoftwareTokenCommand, { AccessToken: again.AccessToken, UserCode: totp(assoc.SecretCode), FriendlyDeviceName: 'phone' });
  await call('SetUserMFAPreference', idp.SetUserMFAPreferenceCommand, { AccessToken: again.AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } });
  await call('GetUser with TOTP', idp.GetUserCommand, { AccessToken: again.AccessToken });
  await call('AdminGetUser with TOTP', idp.AdminGetUserCommand, { UserPoolId: P, Username: 'alice' });
  const mfa = await call('InitiateAuth SOFTWARE_TOKEN_MFA', idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: C, AuthParameters: { USERNAME: 'alice', PASSWORD: password } });
  await call('RespondToAuthChallenge SOFTWARE_TOKEN_MFA wrong code', idp.RespondToAuthChallengeCommand, {
    ClientId: C, ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: mfa.Session,
    ChallengeResponses: { USERNAME: 'alice', SOFTWARE_TOKEN_MFA_CODE: totp(assoc.SecretCode, Date.now() - 3600e3) } });
  const mfaDone = await call('RespondToAuthChallenge SOFTWARE_TOKEN_MFA', idp.RespondToAuthChallengeCommand, {
    ClientId: C, ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: mfa.Session,
    ChallengeResponses: { USERNAME: 'alice', SOFTWARE_TOKEN_MFA_CODE: totp(assoc.SecretCode, Date.now() + 30e3) } });
  note('tokens', { alice: mfaDone && mfaDone.AuthenticationResult, first: tokens });

  // --- Sign-out and deletion.
  const last = mfaDone.AuthenticationResult;
  await call('GlobalSignOut', idp.GlobalSignOutCommand, { AccessToken: last.AccessToken });
  await call('GetUser after GlobalSignOut', idp.GetUserCommand, { AccessToken: last.AccessToken });
  await call('REFRESH_TOKEN_AUTH after GlobalSignOut', idp.InitiateAuthCommand, {
    AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: C, AuthParameters: { REFRESH_TOKEN: last.RefreshToken } });
  await call('AdminDeleteUser', idp.AdminDeleteUserCommand, { UserPoolId: P, Username: 'bob' });
  await call('AdminGetUser deleted', idp.AdminGetUserCommand, { UserPoolId: P, Username: 'bob' });

  // --- Model validation and unknown resources.
  await call('DescribeUserPool malformed id', idp.DescribeUserPoolCommand, { UserPoolId: 'not-a-pool-id' });
  await call('DescribeUserPool unknown', idp.DescribeUserPoolCommand, { UserPoolId: region + '_NoSuchPoo' });
  await call('InitiateAuth bad AuthFlow', idp.InitiateAuthCommand, { AuthFlow: 'NO_SUCH_FLOW', ClientId: C, AuthParameters: {} });

  // --- Malformed requests, answered through the SDK's error deserializer.
  const retarget = bentClient((req) => { req.headers['x-amz-target'] = 'AWSCognitoIdentityProviderService.NoSuchAction'; });
  await call('unknown operation', idp.ListUserPoolsCommand, { MaxResults: 1 }, retarget);
  const malformed = bentClient((req) => { req.body = '{"MaxResults":'; req.headers['content-length'] = String(Buffer.byteLength(req.body)); });
  await call('malformed JSON', idp.ListUserPoolsCommand, { MaxResults: 1 }, malformed);
  const wrongType = bentClient((req) => { req.body = '{"MaxResults":"ten"}'; req.headers['content-length'] = String(Buffer.byteLength(req.body)); });
  await call('wrong member type', idp.ListUserPoolsCommand, { MaxResults: 1 }, wrongType);
  const contentType = bentClient((req) => { req.headers['content-type'] = 'text/plain'; });
  await call('wrong content type', idp.ListUserPoolsCommand, { MaxResults: 1 }, contentType);
  const oversized = bentClient((req) => {
    req.body = JSON.stringify({ MaxResults: 1, Padding: 'x'.repeat(2 << 20) });
    req.headers['content-length'] = String(Buffer.byteLength(req.body));
  });
  await call('oversized body', idp.ListUserPoolsCommand, { MaxResults: 1 }, oversized);

  await call('DeleteUserPool', idp.DeleteUserPoolCommand, { UserPoolId: P });
  finish({ done: true, steps }, 0);
}

main().catch((e) => finish({ done: true, crash: (e && e.stack) || String(e), steps }, 1));

// finish writes the result and exits once it has reached the pipe:
// process.exit right after a large write to a pipe drops what the kernel
// buffer could not take yet, and the Go test then reads a cut-off line.
function finish(obj, code) {
  process.stdout.write(JSON.stringify(obj) + '\n', () => process.exit(code));
}

