#!/usr/bin/env node
// Drive a CloudWatch Logs-compatible endpoint with the AWS SDK for
// JavaScript v3 (@aws-sdk/client-cloudwatch-logs): create a group and a
// stream, write events, filter them with a text and a JSON pattern, live-tail
// the group (StartLiveTail over the event stream) while writing, and meet the
// errors an unknown group and a bad filter pattern cause. Used by cogscope's
// interop tests as a referee of the local stack's Logs wire shapes.
//
// usage: node cloudwatch-logs.js <endpointURL> <region> <group>
// stdout: one JSON object {ok, steps: [{step, ok, ...}]}
// exit 0 when every step went as expected, 1 otherwise (the JSON says which).
'use strict';
const logs = require('@aws-sdk/client-cloudwatch-logs');

async function main() {
  const [endpoint, region, group] = process.argv.slice(2);
  if (!endpoint || !region || !group) {
    console.error('usage: cloudwatch-logs.js <endpointURL> <region> <group>');
    process.exit(2);
  }
  const client = new logs.CloudWatchLogsClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'AKIDLOCALSTACK', secretAccessKey: 'local-stack-secret' },
    maxAttempts: 1,
    // StartLiveTail's "stream-" host prefix would make 127.0.0.1 unresolvable.
    disableHostPrefix: true,
  });
  const send = (Cmd, input, opts) => client.send(new Cmd(input), opts);
  const steps = [];
  const out = { ok: true, steps };
  const step = async (name, fn) => {
    try {
      const extra = await fn();
      steps.push({ step: name, ok: true, ...extra });
    } catch (e) {
      out.ok = false;
      steps.push({ step: name, ok: false, error: { name: e.name, message: e.message } });
    }
  };
  const expectError = async (name, wantName, fn) => {
    try {
      await fn();
      out.ok = false;
      steps.push({ step: name, ok: false, error: { name: 'NoError', message: `expected ${wantName}` } });
    } catch (e) {
      const ok = e.name === wantName && e instanceof logs[wantName];
      if (!ok) out.ok = false;
      steps.push({ step: name, ok, error: { name: e.name, message: e.message, status: e.$metadata && e.$metadata.httpStatusCode } });
    }
  };
  const stream = 'js-stream';
  const now = Date.now();

  await step('CreateLogGroup', () => send(logs.CreateLogGroupCommand, { logGroupName: group }).then(() => ({})));
  await step('CreateLogStream', () => send(logs.CreateLogStreamCommand, { logGroupName: group, logStreamName: stream }).then(() => ({})));
  await step('PutLogEvents', async () => {
    const r = await send(logs.PutLogEventsCommand, {
      logGroupName: group, logStreamName: stream,
      logEvents: [
        { timestamp: now - 2000, message: 'ERROR from js one' },
        { timestamp: now - 1000, message: '{"requestId":"js-1","status":"401"}' },
        { timestamp: now, message: 'INFO from js' },
      ],
    });
    return { rejected: r.rejectedLogEventsInfo || null };
  });
  await step('FilterLogEvents text', async () => {
    const r = await send(logs.FilterLogEventsCommand, { logGroupName: group, filterPattern: 'ERROR' });
    return { messages: r.events.map((e) => e.message), eventIds: r.events.map((e) => e.eventId) };
  });
  await step('FilterLogEvents json', async () => {
    const r = await send(logs.FilterLogEventsCommand, { logGroupName: group, filterPattern: '{ $.status = "401" }' });
    return { messages: r.events.map((e) => e.message) };
  });
  await step('DescribeLogGroups', async () => {
    const r = await send(logs.DescribeLogGroupsCommand, { logGroupNamePrefix: group });
    out.groupArn = r.logGroups[0].logGroupArn;
    return { names: r.logGroups.map((g) => g.logGroupName), arn: out.groupArn };
  });
  await step('StartLiveTail', async () => {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 10000);
    const r = await send(logs.StartLiveTailCommand, { logGroupIdentifiers: [out.groupArn], logEventFilterPattern: 'live' }, { abortSignal: abort.signal });
    const seen = { sessionStart: false, unknown: [], messages: [] };
    try {
      for await (const ev of r.responseStream) {
        if (ev.sessionStart) {
          seen.sessionStart = true;
          await send(logs.PutLogEventsCommand, {
            logGroupName: group, logStreamName: stream,
            logEvents: [{ timestamp: Date.now(), message: 'not shown' }, { timestamp: Date.now(), message: 'live from js' }],
          });
        } else if (ev.sessionUpdate) {
          for (const res of ev.sessionUpdate.sessionResults || []) seen.messages.push(res.message);
          if (seen.messages.length > 0) break;
        } else {
          seen.unknown.push(Object.keys(ev).join(','));
        }
      }
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
    return seen;
  });
  await expectError('FilterLogEvents unknown group', 'ResourceNotFoundException', () => send(logs.FilterLogEventsCommand, { logGroupName: group + '-nope' }));
  await expectError('FilterLogEvents bad pattern', 'InvalidParameterException', () => send(logs.FilterLogEventsCommand, { logGroupName: group, filterPattern: '{ $.status = ' }));
  await expectError('CreateLogGroup again', 'ResourceAlreadyExistsException', () => send(logs.CreateLogGroupCommand, { logGroupName: group }));

  finish(out, out.ok ? 0 : 1);
}
main().catch((e) => finish({ ok: false, crash: e && e.stack }, 1));

function finish(obj, code) {
  process.stdout.write(JSON.stringify(obj) + '\n', () => process.exit(code));
}
