#!/usr/bin/env node
// Drive a Cognito-compatible endpoint with the AWS SDK for JavaScript v3
// (@aws-sdk/client-cognito-identity-provider): create a pool, an app client
// and a user, sign in, and try the failure paths whose error types the SDK
// must recognise. Used by cogscope's interop tests as a referee of the local
// stack's wire shapes.
//
// usage: node sdk-v3.js <endpointURL> <region>
// stdout: one JSON object {ok, poolId, clientId, username, password, steps: [{step, ok, ...}]}
// exit 0 when every step went as expected, 1 otherwise (the JSON says which).
// Credentials are fixed dummies (the stack accepts any signature); the
// caller should point AWS_CONFIG_FILE/AWS_SHARED_CREDENTIALS_FILE nowhere.
'use strict';
const idp = require('@aws-sdk/client-cognito-identity-provider');

async function main() {
  const [endpoint, region] = process.argv.slice(2);
  if (!endpoint || !region) {
    console.error('usage: sdk-v3.js <endpointURL> <region>');
    process.exit(2);
  }
  const client = new idp.CognitoIdentityProviderClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'AKIDLOCALSTACK', secretAccessKey: 'local-stack-secret' },
    maxAttempts: 1, // show the service's error, not a retry's
  });
  const send = (Cmd, input) => client.send(new Cmd(input));
  const steps = [];
  const out = { ok: true, steps };
  const step = async (name, fn) => {
    try {
      const extra = await fn();
      steps.push({ step: name, ok: true, ...extra });
    } catch (e) {
      out.ok = false;
      steps.push({ step: name, ok: false, error: { name: e.name, message: e.message, status: e.$metadata && e.$metadata.httpStatusCode } });
    }
  };
  // expectError runs fn and records the error it must raise; an absent or
  // different error fails the step.
  const expectError = async (name, wantName, fn) => {
    try {
      await fn();
      out.ok = false;
      steps.push({ step: name, ok: false, error: { name: 'NoError', message: `expected ${wantName}` } });
    } catch (e) {
      const ok = e.name === wantName && e instanceof idp[wantName];
      if (!ok) out.ok = false;
      steps.push({ step: name, ok, error: { name: e.name, message: e.message, status: e.$metadata && e.$metadata.httpStatusCode, requestId: e.$metadata && e.$metadata.requestId } });
    }
  };

  const username = 'sdk-v3-user';
  const password = 'Sdk-v3-Passw0rd!';
  out.username = username;
  out.password = password;

  await step('CreateUserPool', async () => {
    const r = await send(idp.CreateUserPoolCommand, { PoolName: 'sdk-v3-pool' });
    out.poolId = r.UserPool.Id;
    return { poolId: r.UserPool.Id, arn: r.UserPool.Arn };
  });
  await step('CreateUserPoolClient', async () => {
    const r = await send(idp.CreateUserPoolClientCommand, {
      UserPoolId: out.poolId,
      ClientName: 'sdk-v3-client',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    out.clientId = r.UserPoolClient.ClientId;
    return { clientId: r.UserPoolClient.ClientId, hasSecret: Boolean(r.UserPoolClient.ClientSecret) };
  });
  await step('AdminCreateUser', async () => {
    const r = await send(idp.AdminCreateUserCommand, {
      UserPoolId: out.poolId, Username: username, TemporaryPassword: 'Temp-Passw0rd!', MessageAction: 'SUPPRESS',
    });
    return { userStatus: r.User.UserStatus };
  });
  await step('AdminSetUserPassword', async () => {
    await send(idp.AdminSetUserPasswordCommand, { UserPoolId: out.poolId, Username: username, Password: password, Permanent: true });
    return {};
  });
  await step('GetSigningCertificate', async () => {
    const r = await send(idp.GetSigningCertificateCommand, { UserPoolId: out.poolId });
    return { certificate: r.Certificate };
  });
  await step('InitiateAuth', async () => {
    const r = await send(idp.InitiateAuthCommand, {
      AuthFlow: 'USER_PASSWORD_AUTH', ClientId: out.clientId, AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    const a = r.AuthenticationResult || {};
    if (!a.IdToken || !a.AccessToken || !a.RefreshToken) throw Object.assign(new Error('no tokens: ' + JSON.stringify(r)), { name: 'NoTokens' });
    out.tokens = { idToken: a.IdToken, accessToken: a.AccessToken };
    return { tokenType: a.TokenType, expiresIn: a.ExpiresIn };
  });
  await step('GetUser', async () => {
    const r = await send(idp.GetUserCommand, { AccessToken: out.tokens.accessToken });
    return { username: r.Username };
  });
  await expectError('InitiateAuth wrong password', 'NotAuthorizedException', () => send(idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: out.clientId, AuthParameters: { USERNAME: username, PASSWORD: 'Wrong-Passw0rd!' },
  }));
  await expectError('InitiateAuth unknown user', 'UserNotFoundException', () => send(idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: out.clientId, AuthParameters: { USERNAME: 'nobody', PASSWORD: password },
  }));
  await expectError('InitiateAuth unknown client', 'ResourceNotFoundException', () => send(idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'nosuchclient0000000000000', AuthParameters: { USERNAME: username, PASSWORD: password },
  }));
  await expectError('InitiateAuth missing PASSWORD', 'InvalidParameterException', () => send(idp.InitiateAuthCommand, {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: out.clientId, AuthParameters: { USERNAME: username },
  }));
  // A 20 KB value must give the ordinary validation error, not a
  // "Header overflow" from an echoed value in x-amzn-ErrorMessage.
  const huge = 'x'.repeat(20 * 1024);
  await expectError('SignUp 20 KB username', 'InvalidParameterException', () => send(idp.SignUpCommand, {
    ClientId: out.clientId, Username: huge, Password: password,
  }));
  await expectError('CreateGroup 20 KB name', 'InvalidParameterException', () => send(idp.CreateGroupCommand, {
    UserPoolId: out.poolId, GroupName: huge,
  }));
  await expectError('AdminUpdateUserAttributes 20 KB value', 'InvalidParameterException', () => send(idp.AdminUpdateUserAttributesCommand, {
    UserPoolId: out.poolId, Username: username, UserAttributes: [{ Name: 'name', Value: huge }],
  }));

  finish(out, out.ok ? 0 : 1);
}
main().catch((e) => finish({ ok: false, crash: e && e.stack }, 1));

// finish writes the result and exits once it has reached the pipe:
// process.exit right after a large write to a pipe drops what the kernel
// buffer could not take yet, and the Go test then reads a cut-off line.
function finish(obj, code) {
  process.stdout.write(JSON.stringify(obj) + '\n', () => process.exit(code));
}

