'use strict';
// A state whose key is on a PKCS#11 token (a throwaway SoftHSM2 token made
// for this file's process): made with the token's URI, opened with a PIN,
// signing files that OpenSSL verifies; PKCS#11 errors carry their codes and
// never the PIN. The host does the PKCS#11 work; the binding passes the URI
// and the PIN through.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const signet = require('..');
const { scratch, throwsCoded } = require('./helpers.js');

const MODULE = process.env.SIGNET_TEST_PKCS11_MODULE || '/usr/lib/softhsm/libsofthsm2.so';
const PIN = '1234';
const uri = (token, pin) =>
  `pkcs11:token=${token};object=signing;type=private?module-path=${MODULE}${pin ? `&pin-value=${pin}` : ''}`;

describe('a key on a PKCS#11 token', () => {
  let dir;
  before(() => {
    assert.ok(existsSync(MODULE), `no PKCS#11 module at ${MODULE}`);
    dir = scratch();
    mkdirSync(join(dir, 'tokens'));
    const conf = join(dir, 'softhsm2.conf');
    writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\n`);
    // Every token is made before the module is first loaded in this process.
    process.env.SOFTHSM2_CONF = conf;
    delete process.env.SIGNET_PKCS11_PIN;
    for (const label of ['node-p384', 'node-badpin']) {
      execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', PIN, '--so-pin', '5678'],
        { stdio: 'pipe' });
    }
  });

  it('signs from Node through the enforced path; OpenSSL verifies', () => {
    const path = join(dir, 'state');
    const made = signet.initState(path, { token: uri('node-p384', PIN), generate: true, keyType: 'ecc-p384', budget: 1 });
    const status = made.status();
    assert.equal(status.token, 'pkcs11');
    assert.equal(status.development, false);
    assert.equal(status.key.protection, 'hardware');
    assert.equal(status.key.evidence.generated_on_token_never_left, true);
    made.close();

    const state = signet.openState(path, { pin: PIN });
    const artifact = join(dir, 'app.bin');
    writeFileSync(artifact, 'built on CI\n');
    const signed = state.signFile(artifact);
    execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-noverify', '-in', signed.signature,
      '-content', artifact, '-out', '/dev/null'], { stdio: 'pipe' });
    assert.equal(signed.remaining, 0);
    throwsCoded(() => state.signFile(artifact), 'sign_budget_exhausted');
    state.close();
    // A production state runs on the system clock.
    throwsCoded(() => signet.openState(path, { pin: PIN, now: 1_780_000_000 }), 'state_production_clock');
  });

  it('PKCS#11 errors have codes and never show the PIN', () => {
    const path = join(dir, 'badpin');
    signet.initState(path, { token: uri('node-badpin', PIN), generate: true }).close();
    const e = throwsCoded(() => signet.openState(path, { pin: '0000' }), 'pkcs11_pin_incorrect');
    assert.ok(!String(e.message).includes('0000'));
    throwsCoded(() => signet.initState(join(dir, 'missing'), { token: uri('no-such-token', PIN), generate: true }),
      'pkcs11_token_missing');
    throwsCoded(() => signet.initState(join(dir, 'missing'), { generate: true }), 'conflicting_options');
    throwsCoded(() => signet.openOrCreateState(join(dir, 'missing'), { pin: PIN }), 'unknown_option');
  });
});
