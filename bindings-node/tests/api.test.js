'use strict';
// The API around the checks: reports, stores, budgets, grants, the token, and
// installing the package into another project by path.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const signet = require('..');
const { VECTORS, scratch, opensslKeyAndCert } = require('./helpers.js');

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
const FP = crypto.createHash('sha256').update('a certificate').digest();

describe('validateOrder', () => {
  it('accepts an object, a string and a Buffer alike', () => {
    const body = JSON.parse(readFileSync(join(VECTORS, 'orders', 'doc_email.json'), 'utf8'));
    const expect = JSON.parse(readFileSync(join(VECTORS, 'orders', 'doc_email.expect.json'), 'utf8'));
    const opts = { product: expect.product, at: new Date(`${expect.at}T12:00:00Z`) };
    const fromObject = signet.validateOrder(body, opts);
    assert.deepEqual(fromObject, signet.validateOrder(JSON.stringify(body), opts));
    assert.deepEqual(fromObject, signet.validateOrder(Buffer.from(JSON.stringify(body)), opts));
    assert.equal(fromObject.valid, expect.valid);
  });
  it('a body that is not JSON is a finding, not an exception', () => {
    const r = signet.validateOrder('{"a":', { at: '2026-01-01' });
    assert.equal(r.valid, false);
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0].severity, 'error');
  });
  it('reports the core version', () => {
    assert.match(signet.coreVersion(), /^\d+\.\d+\.\d+/);
  });
});

describe('counter stores', () => {
  it('a file ledger survives close and reopen', (t) => {
    const dir = join(scratch(t), 'ledger');
    const b = new signet.Budget({ fingerprint: FP, notBefore: NOW - DAY, notAfter: NOW + DAY, signer: 'alice', allotment: 5 });
    let store = signet.CounterStore.file(dir);
    assert.equal(store.recovery.lost, 0);
    for (let i = 0; i < 3; i += 1) assert.equal(b.use(store, { signer: 'alice', fingerprint: FP }).index, i);
    store.close();
    assert.throws(() => store.usage(), (e) => e instanceof signet.InvalidRequestError && e.code === 'store_closed');
    store = signet.CounterStore.file(dir, { waitForLock: false });
    assert.deepEqual(store.recovery.usage, { nextIndex: 3, committed: 3, released: 0, used: 3, pending: 0 });
    assert.equal(b.remaining(store), 2);
    const last = [b.use(store, { signer: 'alice', fingerprint: FP }), b.use(store, { signer: 'alice', fingerprint: FP })];
    assert.deepEqual(last.map((r) => [r.index, r.remaining, r.level, r.crossed]), [[3, 1, 'warn80', 'warn80'], [4, 0, 'exhausted', 'exhausted']]);
    store.close();
  });
  it('CounterStore cannot be built from outside', () => {
    assert.throws(() => new signet.CounterStore({}), (e) => e instanceof signet.InvalidRequestError);
  });
});

describe('budgets', () => {
  it('purchases, signer reassignment and revocation', () => {
    const b = new signet.Budget({ fingerprint: FP.toString('hex'), notBefore: new Date((NOW - DAY) * 1000), notAfter: NOW + DAY, signer: 'alice' });
    assert.equal(b.total, 1000);
    assert.deepEqual(b.fingerprint, FP);
    assert.equal(b.notBefore.getTime(), (NOW - DAY) * 1000);
    assert.equal(b.buy({ by: { id: 'm', role: 'manager' }, fingerprint: FP, count: 5000 }), 6000);
    assert.equal(b.purchased, 5000);
    assert.throws(() => b.buy({ by: { id: 'a', role: 'administrator', subaccount: true }, fingerprint: FP, count: 1 }),
      (e) => e instanceof signet.BudgetError && e.code === 'budget_subaccount_purchase');
    assert.throws(() => b.assignSigner({ by: { id: 'a', role: 'administrator' }, fingerprint: FP, signer: 'bob' }),
      (e) => e.code === 'budget_not_keylocker_lead');
    b.assignSigner({ by: { id: 'lead', role: 'manager', keylockerLead: true }, fingerprint: FP, signer: 'bob' });
    assert.equal(b.signer, 'bob');
    const store = signet.CounterStore.memory();
    assert.throws(() => b.use(store, { signer: 'alice', fingerprint: FP }), (e) => e.code === 'budget_not_assigned_signer');
    assert.equal(b.use(store, { signer: 'bob', fingerprint: FP }).remaining, 5999);
    b.revoke(FP);
    assert.equal(b.revoked, true);
    assert.equal(b.total, 0);
    assert.throws(() => b.use(store, { signer: 'bob', fingerprint: FP }), (e) => e.code === 'budget_revoked');
    assert.throws(() => b.buy({ by: { id: 'm', role: 'nobody' }, fingerprint: FP, count: 1 }),
      (e) => e instanceof signet.InvalidRequestError && e.code === 'unknown_role');
  });
  it('a budget for an OpenSSL certificate takes its fingerprint and validity', (t) => {
    const { certPem } = opensslKeyAndCert(scratch(t), 'p256', 10);
    const x = new crypto.X509Certificate(certPem);
    const b = signet.Budget.forCertificate(certPem, { signer: 'alice', allotment: 3000 });
    assert.deepEqual(b.fingerprint, crypto.createHash('sha256').update(x.raw).digest());
    assert.equal(b.notBefore.getTime(), new Date(x.validFrom).getTime());
    assert.equal(b.notAfter.getTime(), new Date(x.validTo).getTime());
    assert.equal(b.total, 3000);
    const der = x.raw;
    assert.deepEqual(signet.Budget.forCertificate(der, { signer: 'alice' }).fingerprint, b.fingerprint);
  });
});

describe('grants', () => {
  it('two approval steps issue a grant', () => {
    const policy = new signet.SignerPolicy({
      signer: 'alice', maxWindowSecs: 7 * DAY, maxSignings: 10, maxRequestTtlSecs: DAY,
      steps: [{ approvers: ['carol', 'dave'], threshold: 2 }, { approvers: ['erin'] }],
    });
    assert.equal(policy.signer, 'alice');
    const req = signet.SigningRequest.open({ id: 42, requester: 'bob', policy, allowedOps: 3, justification: 'release 2.4.0', now: NOW });
    assert.equal(req.id, 42);
    assert.equal(req.status(NOW), 'open');
    assert.deepEqual(req.approve('carol', { now: NOW }), { outcome: 'recorded', step: 0, approvals: 1, threshold: 2 });
    assert.throws(() => req.approve('carol', { now: NOW }), (e) => e instanceof signet.GrantError && e.code === 'grant_already_approved');
    assert.deepEqual(req.approve('dave', { now: NOW }), { outcome: 'step_complete', step: 0, nextStep: 1 });
    const done = req.approve('erin', { now: NOW });
    assert.equal(done.outcome, 'granted');
    const g = done.grant;
    assert.ok(g instanceof signet.Grant);
    assert.deepEqual([g.id, g.signer, g.grantee, g.allowedOps, g.used], [42, 'alice', 'bob', 3, 0]);
    assert.equal(g.validFrom.getTime(), NOW * 1000);
    assert.equal(g.validUntil.getTime(), (NOW + 7 * DAY) * 1000);
    assert.equal(g.status(NOW), 'active');
    assert.equal(g.status(NOW + 7 * DAY), 'window_ended');
    assert.equal(req.status(NOW), 'approved');
    g.revoke();
    assert.equal(g.status(NOW), 'revoked');
  });
  it('rejection and cancellation end a request', () => {
    const policy = new signet.SignerPolicy({ signer: 'alice', maxSignings: 1, maxRequestTtlSecs: DAY, steps: [{ approvers: ['carol'] }] });
    const a = signet.SigningRequest.open({ id: 1, requester: 'bob', policy, now: NOW });
    a.reject('carol', { comment: 'not now', now: NOW });
    assert.equal(a.status(NOW), 'rejected');
    const b = signet.SigningRequest.open({ id: 2, requester: 'bob', policy, now: NOW });
    assert.throws(() => b.cancel('carol', { now: NOW }), (e) => e.code === 'grant_not_requester');
    b.cancel('bob', { now: NOW });
    assert.equal(b.status(NOW), 'cancelled');
  });
});

describe('software token', () => {
  it('generates keys whose public key node:crypto reads; no private export', () => {
    const token = new signet.SoftwareToken();
    const h = token.generate({ algorithm: 'ecdsa-sha384', curve: 'P-384' });
    assert.deepEqual(token.keyInfo(h), { keyType: 'ec', bits: 384, curve: 'P-384', algorithm: 'ecdsa-sha384', exportable: false });
    const pub = crypto.createPublicKey({ key: token.publicKey(h), format: 'der', type: 'spki' });
    assert.equal(pub.asymmetricKeyDetails.namedCurve, 'secp384r1');
    assert.equal(Object.getOwnPropertyNames(Object.getPrototypeOf(token)).filter((n) => /private|export/i.test(n)).length, 0);
    token.destroy(h);
    assert.throws(() => token.keyInfo(h), (e) => e instanceof signet.TokenError && e.code === 'token_invalid_handle');
  });
  it('imports an OpenSSL PKCS#8 key (PEM and DER) with the same public key', (t) => {
    const { keyPem, certPem } = opensslKeyAndCert(scratch(t), 'p256');
    const token = new signet.SoftwareToken();
    const a = token.importPkcs8(keyPem, { algorithm: 'ecdsa-sha256' });
    const der = crypto.createPrivateKey(keyPem).export({ format: 'der', type: 'pkcs8' });
    const b = token.importPkcs8(der, { algorithm: 'ecdsa-sha256' });
    const spki = crypto.createPublicKey(certPem).export({ format: 'der', type: 'spki' });
    assert.deepEqual(token.publicKey(a), spki);
    assert.deepEqual(token.publicKey(b), spki);
  });
});

describe('package', () => {
  it('installs into another project by path; require and import work', (t) => {
    const project = scratch(t);
    const pkgDir = join(__dirname, '..');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', pkgDir], { cwd: project, stdio: 'pipe', env: { ...process.env, npm_config_loglevel: 'error' } });
    const cjs = execFileSync(process.execPath, ['-e',
      "const s = require('signet'); const r = s.validateOrder('{}', { at: '2026-01-01' }); " +
      "let e; try { s.validateOrder('{}', { product: 'x' }); } catch (x) { e = x; } " +
      "console.log(JSON.stringify({ valid: r.valid, n: r.findings.length, err: e instanceof s.InvalidRequestError && e instanceof Error, code: e.code }))"],
    { cwd: project, encoding: 'utf8' });
    const got = JSON.parse(cjs);
    assert.deepEqual(got, { valid: false, n: got.n, err: true, code: 'unknown_product' });
    assert.ok(got.n > 0);
    const esm = execFileSync(process.execPath, ['--input-type=module', '-e',
      "import signet from 'signet'; import { checkSpki, SignError, SignetError } from 'signet'; console.log(typeof signet.Signer, checkSpki('x', { at: '2026-01-01' }).valid, new SignError('c', 'm') instanceof SignetError)"],
    { cwd: project, encoding: 'utf8' });
    assert.equal(esm.trim(), 'function false true');
  });
});
