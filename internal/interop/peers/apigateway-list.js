#!/usr/bin/env node
// List an API Gateway-compatible endpoint's APIs with the AWS SDK for
// JavaScript v3: @aws-sdk/client-apigatewayv2 (GetApis, GetRoutes,
// GetAuthorizers, GetStages) and @aws-sdk/client-api-gateway (GetRestApis,
// GetResources with methods, GetAuthorizers, GetStages), then ask for an
// unknown API and record the error the SDK recognises. Used by cogscope's
// interop tests as a referee of the local stack's REST-JSON wire shapes
// (list keys, date types, identitySource forms).
//
// usage: node apigateway-list.js <endpointURL> <region>
// stdout: one JSON object {ok, httpApis: [...], restApis: [...], errors: {...}}
// exit 0 when every call succeeded, 1 otherwise.
'use strict';
const v2 = require('@aws-sdk/client-apigatewayv2');
const rest = require('@aws-sdk/client-api-gateway');

async function main() {
  const [endpoint, region] = process.argv.slice(2);
  if (!endpoint || !region) {
    console.error('usage: apigateway-list.js <endpointURL> <region>');
    process.exit(2);
  }
  const common = {
    endpoint,
    region,
    credentials: { accessKeyId: 'AKIDLOCALSTACK', secretAccessKey: 'local-stack-secret' },
    maxAttempts: 1,
  };
  const c2 = new v2.ApiGatewayV2Client(common);
  const cr = new rest.APIGatewayClient(common);
  const out = { ok: true, httpApis: [], restApis: [], errors: {} };

  const apis = await c2.send(new v2.GetApisCommand({}));
  for (const a of apis.Items || []) {
    const id = a.ApiId;
    const routes = await c2.send(new v2.GetRoutesCommand({ ApiId: id }));
    const auths = await c2.send(new v2.GetAuthorizersCommand({ ApiId: id }));
    const stages = await c2.send(new v2.GetStagesCommand({ ApiId: id }));
    out.httpApis.push({
      id, name: a.Name, protocolType: a.ProtocolType, endpoint: a.ApiEndpoint,
      createdDateIsDate: a.CreatedDate instanceof Date && !isNaN(a.CreatedDate),
      routes: (routes.Items || []).map((r) => ({ routeKey: r.RouteKey, authorizationType: r.AuthorizationType, authorizerId: r.AuthorizerId, scopes: r.AuthorizationScopes || [] })),
      authorizers: (auths.Items || []).map((z) => ({
        id: z.AuthorizerId, name: z.Name, type: z.AuthorizerType, identitySource: z.IdentitySource,
        issuer: z.JwtConfiguration && z.JwtConfiguration.Issuer, audience: z.JwtConfiguration && z.JwtConfiguration.Audience,
        uri: z.AuthorizerUri, ttl: z.AuthorizerResultTtlInSeconds, simple: z.EnableSimpleResponses,
      })),
      stages: (stages.Items || []).map((s) => ({ name: s.StageName, accessLog: s.AccessLogSettings && s.AccessLogSettings.DestinationArn })),
    });
  }
  const rapis = await cr.send(new rest.GetRestApisCommand({}));
  for (const a of rapis.items || []) {
    const id = a.id;
    const res = await cr.send(new rest.GetResourcesCommand({ restApiId: id, embed: ['methods'] }));
    const auths = await cr.send(new rest.GetAuthorizersCommand({ restApiId: id }));
    const stages = await cr.send(new rest.GetStagesCommand({ restApiId: id }));
    const methods = [];
    for (const r of res.items || []) {
      for (const [verb, m] of Object.entries(r.resourceMethods || {})) {
        methods.push({ method: verb, path: r.path, authorizationType: m.authorizationType, authorizerId: m.authorizerId, scopes: m.authorizationScopes || [] });
      }
    }
    out.restApis.push({
      id, name: a.name, createdDateIsDate: a.createdDate instanceof Date && !isNaN(a.createdDate), methods,
      authorizers: (auths.items || []).map((z) => ({ id: z.id, name: z.name, type: z.type, identitySource: z.identitySource, providerARNs: z.providerARNs, ttl: z.authorizerResultTtlInSeconds })),
      stages: (stages.item || []).map((s) => ({ name: s.stageName, accessLog: s.accessLogSettings && s.accessLogSettings.destinationArn })),
    });
  }
  try {
    await c2.send(new v2.GetRoutesCommand({ ApiId: 'nosuchapi1' }));
    out.ok = false;
  } catch (e) {
    out.errors.v2 = { name: e.name, isNotFound: e instanceof v2.NotFoundException, status: e.$metadata && e.$metadata.httpStatusCode };
  }
  try {
    await cr.send(new rest.GetResourcesCommand({ restApiId: 'nosuchapi1' }));
    out.ok = false;
  } catch (e) {
    out.errors.rest = { name: e.name, isNotFound: e instanceof rest.NotFoundException, status: e.$metadata && e.$metadata.httpStatusCode, message: e.message };
  }
  finish(out, out.ok ? 0 : 1);
}
main().catch((e) => finish({ ok: false, crash: e && e.stack }, 1));

// finish writes the result and exits once it has reached the pipe.
function finish(obj, code) {
  process.stdout.write(JSON.stringify(obj) + '\n', () => process.exit(code));
}
