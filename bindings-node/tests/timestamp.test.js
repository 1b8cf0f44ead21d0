'use strict';
// RFC 3161 timestamps through the binding: the `tsa` option passes through to
// the host, against the shared test TSA (tests/tsa/tsa_server.py: `openssl ts
// -reply` with a throwaway CA).
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { newState, file, scratch, throwsCoded } = require('./helpers.js');

const ROOT = join(__dirname, '..', '..');

describe('signFile with tsa', () => {
  let server;
  let port;
  before(async () => {
    const dir = scratch();
    server = spawn('python3', [join(ROOT, 'tests', 'tsa', 'tsa_server.py'), join(dir, 'tsa')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    port = await new Promise((resolve, reject) => {
      let text = '';
      server.stdout.on('data', (chunk) => {
        text += chunk;
        if (text.includes('\n')) resolve(Number(text.split('\n')[0]));
      });
      server.on('exit', (code) => reject(new Error(`the test TSA exited (${code})`)));
    });
  });
  after(() => server.kill());
  const url = (path) => `http://127.0.0.1:${port}/${path}`;

  it('embeds a timestamp that OpenSSL and verifyFile accept', (t) => {
    const { dir, state } = newState(t);
    const artifact = file(dir, 'app.bin');
    const signed = state.signFile(artifact, { tsa: [url('good')] });
    assert.equal(typeof signed.timestamp, 'number');
    execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-noverify', '-in', signed.signature,
      '-content', artifact, '-out', '/dev/null'], { stdio: 'pipe' });
    const verified = state.verifyFile(artifact);
    assert.equal(verified.timestamp.time, signed.timestamp);
    assert.equal(verified.timestamp.tsa, 'CN=Signet Test TSA');
    const batch = state.signFiles([artifact], { outputDir: dir, tsa: [url('good')] });
    assert.equal(typeof batch.signed[0].timestamp, 'number');
  });

  it('writes nothing and counts the signature when the TSA rejects', (t) => {
    const { dir, state } = newState(t);
    const artifact = file(dir, 'app.bin');
    const e = throwsCoded(() => state.signFile(artifact, { tsa: [url('reject')] }), 'timestamp_failed');
    assert.match(e.message, /tsp_rejected/);
    assert.match(e.message, /counted but not written/);
    assert.equal(existsSync(`${artifact}.p7s`), false);
    assert.equal(state.status().budget.used, 1);
    throwsCoded(() => state.signFile(artifact, { tsa: 'http://not-a-list' }), 'invalid_option_type');
  });
});
