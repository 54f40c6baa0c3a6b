#!/usr/bin/env node
// Trade a user-pool ID token for AWS credentials with the AWS SDK for
// JavaScript v3 (@aws-sdk/client-cognito-identity, @aws-sdk/client-sts):
// GetId → GetCredentialsForIdentity → GetCallerIdentity signed with the
// new credentials; the same for a guest identity; and the error an access
// token in Logins must raise. Used by cogscope's interop tests as a referee
// of the local stack's identity-pool and STS wire shapes.
//
// usage: node identity-pool.js <endpointURL> <region> <identityPoolId> <userPoolId>
// stdin: the ID token, then the access token (one a line)
// stdout: one JSON object {ok, steps: [{step, ok, ...}]}
// exit 0 when every step went as expected, 1 otherwise (the JSON says which).
'use strict';
const ci = require('@aws-sdk/client-cognito-identity');
const sts = require('@aws-sdk/client-sts');

function readStdin() {
  return new Promise((resolve) => {
    let data = '';
    process.stdin.on('data', (c) => { data += c; });
    process.stdin.on('end', () => resolve(data));
  });
}

async function main() {
  const [endpoint, region, poolId, userPoolId] = process.argv.slice(2);
  if (!endpoint || !region || !poolId || !userPoolId) {
    console.error('usage: identity-pool.js <endpointURL> <region> <identityPoolId> <userPoolId>');
    process.exit(2);
  }
  const [idToken, accessToken] = (await readStdin()).split('\n').map((s) => s.trim());
  const dummy = { accessKeyId: 'AKIDLOCALSTACK', secretAccessKey: 'local-stack-secret' };
  const identity = new ci.CognitoIdentityClient({ endpoint, region, credentials: dummy, maxAttempts: 1 });
  const provider = `cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  const steps = [];
  const out = { ok: true, steps };
  const step = async (name, fn) => {
    try {
      const extra = await fn();
      steps.push({ step: name, ok: true, ...extra });
      return extra;
    } catch (e) {
      out.ok = false;
      steps.push({ step: name, ok: false, error: { name: e.name, message: e.message, status: e.$metadata && e.$metadata.httpStatusCode } });
      return null;
    }
  };
  const callerOf = async (c) => {
    const client = new sts.STSClient({ endpoint, region, maxAttempts: 1,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken } });
    const r = await client.send(new sts.GetCallerIdentityCommand({}));
    return { arn: r.Arn, account: r.Account, userId: r.UserId };
  };

  for (const [label, logins] of [['user', { [provider]: idToken }], ['guest', undefined]]) {
    const id = await step(`GetId ${label}`, async () => {
      const r = await identity.send(new ci.GetIdCommand({ IdentityPoolId: poolId, Logins: logins }));
      return { identityId: r.IdentityId };
    });
    if (!id) continue;
    const creds = await step(`GetCredentialsForIdentity ${label}`, async () => {
      const r = await identity.send(new ci.GetCredentialsForIdentityCommand({ IdentityId: id.identityId, Logins: logins }));
      const c = r.Credentials;
      return { identityId: r.IdentityId, accessKeyId: c.AccessKeyId, hasSecret: !!c.SecretKey, hasSession: !!c.SessionToken,
        expiration: c.Expiration instanceof Date ? c.Expiration.toISOString() : String(c.Expiration), raw: c };
    });
    if (!creds) continue;
    const raw = creds.raw;
    delete steps[steps.length - 1].raw;
    await step(`GetCallerIdentity ${label}`, () => callerOf(raw));
  }

  // An access token in Logins: NotAuthorizedException, as a modeled error class.
  try {
    await identity.send(new ci.GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: accessToken } }));
    out.ok = false;
    steps.push({ step: 'GetId access token', ok: false, error: { name: 'NoError' } });
  } catch (e) {
    const ok = e.name === 'NotAuthorizedException' && e instanceof ci.NotAuthorizedException;
    if (!ok) out.ok = false;
    steps.push({ step: 'GetId access token', ok, error: { name: e.name, message: e.message, status: e.$metadata && e.$metadata.httpStatusCode } });
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(out.ok ? 0 : 1);
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ ok: false, crash: String(e && e.stack || e) }) + '\n');
  process.exit(1);
});
