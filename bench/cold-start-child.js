// @ts-check
/**
 * One cold start, in a fresh Node process: load a handler, then answer one event, which loads the client of the
 * gate's source, creates it and makes one call: GetServiceInstanceSyncStatus against AWS_ENDPOINT_URL_PROTON, or for
 * a GitSyncGate's event (variant ours), GetResourceSyncStatus against AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS.
 * Prints one line `BENCH_RESULT {...}` on stderr; the handlers' own logs go to stdout.
 *
 *   node bench/cold-start-child.js ours|awscr <handler.js> <event.json>
 *
 * The handler's path comes from the parent (bench/handler-assets.ts), which also sizes and warm-loads that file.
 */
'use strict';
const t0 = performance.now();
const fs = require('fs');

const [variant, handlerPath, eventFile] = process.argv.slice(2);
const event = JSON.parse(fs.readFileSync(eventFile, 'utf8'));

/** AwsCustomResource's handler answers CloudFormation itself with an https PUT to ResponseURL: capture it instead. */
let responseBody = '';
if (variant === 'awscr') {
  const https = require('https');
  // @ts-ignore -- a stand-in ClientRequest with only what the handler uses
  https.request = (_options, callback) => ({
    on() {},
    write(chunk) {
      responseBody += chunk;
    },
    end() {
      setImmediate(() => callback({ statusCode: 200 }));
    },
  });
}

async function main() {
  const tReq = performance.now();
  const mod = require(handlerPath);
  const tLoaded = performance.now();
  let outcome;
  if (variant === 'ours') {
    // The first tick of a gate that starts now: the gate reads on its first tick, and the event file may have been
    // written more than one waiter tick ago on a loaded machine, when a tick with no memory would not read.
    if (typeof event.GateStartedAtEpochMs === 'number') event.GateStartedAtEpochMs = Date.now();
    const result = await mod.isComplete(event);
    outcome = result.IsComplete ? 'SUCCESS' : 'WAIT';
  } else {
    await mod.handler(event, { logStreamName: 'bench' });
    outcome = JSON.parse(responseBody).Status;
  }
  const tDone = performance.now();
  process.stderr.write(
    'BENCH_RESULT ' +
      JSON.stringify({ outcome, bootMs: t0, loadMs: tLoaded - tReq, firstCallMs: tDone - tLoaded, totalMs: tDone - t0 }) +
      '\n',
  );
}

main().catch((e) => {
  process.stderr.write(`BENCH_ERROR ${e && e.stack ? e.stack : String(e)}\n`);
  process.exit(1);
});
