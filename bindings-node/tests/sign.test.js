'use strict';
// The enforced sign primitive: signatures checked by node:crypto (an independent
// verifier), async signing off the main thread, and concurrent signing that
// never over-spends a budget.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const signet = require('..');
const { scratch, opensslKeyAndCert } = require('./helpers.js');

const { SignError } = signet;

function setup(keyPem, certPem, algorithm, allotment = 1000) {
  const token = new signet.SoftwareToken();
  const key = token.importPkcs8(keyPem, { algorithm });
  const budget = signet.Budget.forCertificate(certPem, { signer: 'alice', allotment });
  const store = signet.CounterStore.memory();
  const signer = new signet.Signer({ certificate: certPem, token, key, budget, store });
  return { token, key, budget, store, signer };
}

const HASH = { sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };
const hashOf = (alg) => HASH[alg.match(/sha(256|384|512)/)[0]];

describe('signatures verify with node:crypto', () => {
  let dir;
  const keys = {};
  before(() => {
    dir = scratch();
    for (const kind of ['p256', 'p384', 'rsa3072']) keys[kind] = opensslKeyAndCert(dir, kind);
  });

  const cases = [
    ['p256', 'ecdsa-sha256'],
    ['p384', 'ecdsa-sha384'],
    ['p256', 'ecdsa-sha256-fixed'],
    ['rsa3072', 'rsa-pkcs1v15-sha256'],
    ['rsa3072', 'rsa-pss-sha384'],
  ];
  for (const [kind, algorithm] of cases) {
    for (const mode of ['sync', 'async']) {
      it(`${algorithm} (${kind}, ${mode})`, async () => {
        const { keyPem, certPem } = keys[kind];
        const { signer, store, budget } = setup(keyPem, certPem, algorithm);
        const data = Buffer.from(`signet ${algorithm} ${mode} ${crypto.randomUUID()}`);
        const out = mode === 'sync'
          ? signer.signSync(data, { user: 'alice', algorithm })
          : await signer.signAsync(data, { user: 'alice', algorithm });
        const hash = hashOf(algorithm);
        const pub = crypto.createPublicKey(certPem);
        const verifyKey = algorithm.startsWith('rsa-pss')
          ? { key: pub, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.createHash(hash).digest().length }
          : algorithm.endsWith('-fixed')
            ? { key: pub, dsaEncoding: 'ieee-p1363' }
            : { key: pub };
        assert.ok(crypto.verify(hash, data, verifyKey, out.signature), 'node:crypto verifies');
        const tampered = Buffer.concat([data, Buffer.from('!')]);
        assert.equal(crypto.verify(hash, tampered, verifyKey, out.signature), false, 'and rejects other data');
        // The receipt.
        const fp = crypto.createHash('sha256').update(new crypto.X509Certificate(certPem).raw).digest();
        assert.deepEqual(out.receipt.certFingerprint, fp);
        assert.deepEqual(budget.fingerprint, fp);
        assert.equal(out.receipt.counterIndex, 0);
        assert.equal(out.receipt.signaturesRemaining, 999);
        assert.equal(out.receipt.algorithm, algorithm);
        assert.equal(out.receipt.grantId, null);
        assert.equal(store.usage().committed, 1);
      });
    }
  }

  it('signDigest signs a precomputed digest', () => {
    const { keyPem, certPem } = keys.p256;
    const { signer } = setup(keyPem, certPem, 'ecdsa-sha256');
    const data = Buffer.from('precomputed');
    const digest = crypto.createHash('sha256').update(data).digest();
    const out = signer.signDigestSync(digest, { user: 'alice', algorithm: 'ecdsa-sha256' });
    assert.ok(crypto.verify('sha256', data, crypto.createPublicKey(certPem), out.signature));
    assert.throws(() => signer.signDigestSync(digest.subarray(1), { user: 'alice', algorithm: 'ecdsa-sha256' }),
      (e) => e instanceof SignError && e.code === 'sign_token' && e.tokenCode === 'token_invalid_digest');
  });

  it('CMS SignedData verifies with openssl cms', async () => {
    const { keyPem, certPem } = keys.p256;
    const { signer } = setup(keyPem, certPem, 'ecdsa-sha256');
    const data = Buffer.from('content signed as CMS');
    const out = await signer.signCmsAsync(data, { user: 'alice', algorithm: 'ecdsa-sha256' });
    writeFileSync(join(dir, 'content.bin'), data);
    writeFileSync(join(dir, 'sig.p7s'), out.signature);
    writeFileSync(join(dir, 'ca.pem'), certPem);
    execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.p7s'),
      '-content', join(dir, 'content.bin'), '-CAfile', join(dir, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null'], { stdio: 'pipe' });
  });

  it('a key that is not the certificate\'s is refused, and nothing is counted', () => {
    const { certPem } = keys.p256;
    const token = new signet.SoftwareToken();
    const key = token.generate({ algorithm: 'ecdsa-sha256' });
    const budget = signet.Budget.forCertificate(certPem, { signer: 'alice' });
    const store = signet.CounterStore.memory();
    const signer = new signet.Signer({ certificate: certPem, token, key, budget, store });
    assert.throws(() => signer.signSync('x', { user: 'alice', algorithm: 'ecdsa-sha256' }),
      (e) => e instanceof SignError && e.code === 'sign_key_mismatch');
    assert.equal(store.usage().used, 0);
  });

  it('a grant pays an operation and runs out', () => {
    const { keyPem, certPem } = keys.p256;
    const token = new signet.SoftwareToken();
    const key = token.importPkcs8(keyPem, { algorithm: 'ecdsa-sha256' });
    const budget = signet.Budget.forCertificate(certPem, { signer: 'alice' });
    const store = signet.CounterStore.memory();
    const signer = new signet.Signer({ certificate: certPem, token, key, budget, store, requireGrant: true });
    assert.throws(() => signer.signSync('x', { user: 'alice', algorithm: 'ecdsa-sha256' }),
      (e) => e instanceof SignError && e.code === 'sign_grant_required');
    const policy = new signet.SignerPolicy({ signer: 'alice', maxSignings: 2, maxRequestTtlSecs: 3600, steps: [{ approvers: ['carol'] }] });
    const req = signet.SigningRequest.open({ id: 9, requester: 'alice', policy, allowedOps: 1 });
    const approval = req.approve('carol');
    assert.equal(approval.outcome, 'granted');
    const grant = approval.grant;
    const out = signer.signSync('x', { user: 'alice', algorithm: 'ecdsa-sha256', grant });
    assert.equal(out.receipt.grantId, 9);
    assert.equal(grant.used, 1);
    assert.equal(grant.status(), 'used_up');
    assert.throws(() => signer.signSync('y', { user: 'alice', algorithm: 'ecdsa-sha256', grant }),
      (e) => e instanceof SignError && e.code === 'sign_grant_exhausted' && e.allowed === 1);
    assert.equal(store.usage().used, 1);
  });
});

describe('async signing', () => {
  let keys;
  before(() => {
    const dir = scratch();
    keys = { p256: opensslKeyAndCert(dir, 'p256'), rsa: opensslKeyAndCert(dir, 'rsa3072') };
  });

  it('200 concurrent signAsync calls against a budget of 150: exactly 150 succeed', async () => {
    const { keyPem, certPem } = keys.p256;
    const { signer, store, budget } = setup(keyPem, certPem, 'ecdsa-sha256', 150);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => signer.signAsync(`artifact ${i}`, { user: 'alice', algorithm: 'ecdsa-sha256' })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
    const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    assert.equal(ok.length, 150);
    assert.equal(failed.length, 50);
    for (const e of failed) {
      assert.ok(e instanceof SignError, String(e));
      assert.equal(e.code, 'sign_budget_exhausted');
      assert.equal(e.total, 150);
      assert.equal(e.used, 150);
    }
    const indices = ok.map((s) => s.receipt.counterIndex).sort((a, b) => a - b);
    assert.deepEqual(indices, Array.from({ length: 150 }, (_, i) => i), 'each serial exactly once');
    const pub = crypto.createPublicKey(certPem);
    const byIndex = new Map(results.map((r, i) => [r.status === 'fulfilled' ? r.value.receipt.counterIndex : -1 - i, i]));
    for (const s of ok) {
      const i = byIndex.get(s.receipt.counterIndex);
      assert.ok(crypto.verify('sha256', Buffer.from(`artifact ${i}`), pub, s.signature));
    }
    const crossings = ok.map((s) => s.receipt.crossed).filter((c) => c !== null).sort();
    assert.deepEqual(crossings, ['exhausted', 'warn80', 'warn90'], 'each usage level crossed once');
    const usage = store.usage();
    assert.deepEqual([usage.used, usage.committed, usage.pending], [150, 150, 0]);
    assert.equal(budget.remaining(store), 0);
    assert.equal(budget.level(store), 'exhausted');
  });

  it('runs off the main thread: the event loop keeps turning while RSA signs', async () => {
    const { keyPem, certPem } = keys.rsa;
    const { signer } = setup(keyPem, certPem, 'rsa-pss-sha256');
    let ticks = 0;
    let running = true;
    const spin = () => { if (running) { ticks += 1; setImmediate(spin); } };
    setImmediate(spin);
    const pending = Array.from({ length: 6 }, (_, i) => signer.signAsync(`rsa ${i}`, { user: 'alice', algorithm: 'rsa-pss-sha256' }));
    const done = await Promise.all(pending);
    running = false;
    assert.equal(done.length, 6);
    assert.ok(ticks > 6, `the event loop turned only ${ticks} times while 6 RSA signatures were made`);

    // The sync variant blocks the loop for its whole duration.
    let syncTicks = 0;
    let syncRunning = true;
    const spin2 = () => { if (syncRunning) { syncTicks += 1; setImmediate(spin2); } };
    setImmediate(spin2);
    for (let i = 0; i < 6; i += 1) signer.signSync(`rsa sync ${i}`, { user: 'alice', algorithm: 'rsa-pss-sha256' });
    const during = syncTicks;
    syncRunning = false;
    assert.equal(during, 0, 'no turn of the event loop while signing synchronously');
  });

  it('a file store shared by async signatures counts each one durably', async (t) => {
    const dir = scratch(t);
    const { keyPem, certPem } = keys.p256;
    const token = new signet.SoftwareToken();
    const key = token.importPkcs8(keyPem, { algorithm: 'ecdsa-sha256' });
    const budget = signet.Budget.forCertificate(certPem, { signer: 'alice', allotment: 20 });
    const store = signet.CounterStore.file(join(dir, 'ledger'));
    const signer = new signet.Signer({ certificate: certPem, token, key, budget, store });
    const results = await Promise.allSettled(Array.from({ length: 25 }, () => signer.signAsync('x', { user: 'alice', algorithm: 'ecdsa-sha256' })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 20);
    assert.deepEqual([store.usage().used, store.usage().committed], [20, 20]);
    assert.throws(() => store.close(), (e) => e.code === 'store_busy', 'the signer still holds the store');
  });
});
