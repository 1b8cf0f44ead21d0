'use strict';
// The API around the checks: reports, the in-memory budgets and grants, and the
// table of codes. Installing the package: tests/package.test.js.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
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

describe('one spelling of each name', () => {
  it('checkPublicKey is the public-key check; checkSpki is its deprecated alias', () => {
    assert.equal(signet.checkSpki, signet.checkPublicKey);
    const spki = readFileSync(join(VECTORS, 'keys', 'p384.spki.der'));
    assert.equal(signet.checkPublicKey(spki, { device: 'hsm', at: '2026-01-01' }).valid, true);
  });
  it('core accepts documented aliases and answers with canonical names', (t) => {
    const dir = scratch(t);
    const state = signet.initState(join(dir, 's'), { keyType: 'p384', user: 'alice', budget: 3 });
    assert.equal(state.status().key_type, 'ecc-p384');
    state.close();
    assert.throws(() => signet.initState(join(dir, 't'), { keyType: 'P384', user: 'alice' }),
      (e) => e.code === 'unknown_key_type');
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
    assert.throws(() => b.revoke(Buffer.alloc(32, 1)), (e) => e instanceof signet.BudgetError && e.code === 'budget_fingerprint_mismatch');
    b.revoke(FP);
    assert.equal(b.revoked, true);
    assert.equal(b.total, 0);
    assert.throws(() => b.buy({ by: { id: 'm', role: 'manager' }, fingerprint: FP, count: 1000 }), (e) => e.code === 'budget_revoked');
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

describe('the table of codes', () => {
  it('is the core table, with domains and C numbers', () => {
    const rows = signet.codes();
    assert.ok(rows.length > 150, `${rows.length} rows`);
    assert.deepEqual(signet.codeInfo('sign_revoked'), { code: 'sign_revoked', number: rows.find((r) => r.code === 'sign_revoked').number, domain: 'sign', description: 'The certificate is revoked.' });
    assert.equal(signet.codeInfo('invalid_number').domain, 'invalid_request');
    assert.equal(signet.codeInfo('state_closed').domain, 'usage');
    assert.equal(signet.codeInfo('no_such_code'), null);
    assert.equal(new Set(rows.map((r) => r.code)).size, rows.length);
    assert.equal(new Set(rows.map((r) => r.number)).size, rows.length);
  });
});
