'use strict';
// Each error class, raised by a real failing call, with the core's code and its fields.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const signet = require('..');
const { VECTORS, scratch, opensslKeyAndCert } = require('./helpers.js');

const {
  SignetError, InvalidRequestError, KeyPolicyError, BudgetError, GrantError, TokenError, SignError,
} = signet;

/** Asserts that `fn` throws an instance of `Cls` (and of SignetError and Error) with `code`. */
function throwsCode(fn, Cls, code) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `expected ${Cls.name} ${code}, nothing thrown`);
  assert.ok(caught instanceof Cls, `expected ${Cls.name}, got ${caught && caught.constructor.name}: ${caught.message}`);
  assert.ok(caught instanceof SignetError);
  assert.ok(caught instanceof Error);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.name, Cls.name);
  assert.equal(typeof caught.message, 'string');
  assert.ok(caught.message.length > 0);
  assert.equal(caught.kind, undefined, 'the native kind is not left on the error');
  return caught;
}

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
const FP = Buffer.alloc(32, 7);
const admin = { id: 'admin', role: 'administrator' };

describe('InvalidRequestError', () => {
  it('unknown product (core code)', () => {
    throwsCode(() => signet.validateOrder('{}', { product: 'Code_Signing' }), InvalidRequestError, 'unknown_product');
  });
  it('malformed and impossible dates (core codes)', () => {
    throwsCode(() => signet.validateOrder('{}', { at: '2026-3-1' }), InvalidRequestError, 'date_format');
    throwsCode(() => signet.checkSpki('x', { at: '2025-02-29' }), InvalidRequestError, 'date_out_of_range');
  });
  it('unknown device profile (core code)', () => {
    throwsCode(() => signet.checkCsr('x', { device: 'yubikey', at: '2025-01-01' }), InvalidRequestError, 'unknown_device_profile');
  });
  it('binding-level problems', () => {
    throwsCode(() => signet.validateOrder(42), InvalidRequestError, 'invalid_input_type');
    throwsCode(() => signet.validateOrder('{}', { prodcut: 'code_signing' }), InvalidRequestError, 'unknown_option');
    throwsCode(() => signet.validateOrder('{}', 'code_signing'), InvalidRequestError, 'invalid_options');
    throwsCode(() => signet.checkCsr('x', { device: 'hsm', provisioningMethod: 'email' }), InvalidRequestError, 'conflicting_options');
    throwsCode(() => new signet.Budget({ fingerprint: Buffer.alloc(31), notBefore: 0, notAfter: 1, signer: 'a' }), InvalidRequestError, 'invalid_fingerprint');
    throwsCode(() => new signet.SoftwareToken().generate({ algorithm: 'ecdsa-md5' }), InvalidRequestError, 'unknown_algorithm');
  });
  it('user ids (core codes) with fields', () => {
    const e = throwsCode(() => new signet.Budget({ fingerprint: FP, notBefore: 0, notAfter: 1, signer: 'x'.repeat(65) }), InvalidRequestError, 'user_id_too_long');
    assert.equal(e.max, 64);
    assert.equal(e.actual, 65);
  });
});

describe('KeyPolicyError', () => {
  it('a CSR given where a certificate is needed', () => {
    const csr = readFileSync(join(VECTORS, 'keys', 'p256.csr.pem'));
    throwsCode(() => signet.Budget.forCertificate(csr, { signer: 'alice' }), KeyPolicyError, 'not_a_certificate');
  });
});

describe('BudgetError', () => {
  it('another certificate: not transferable', () => {
    const b = new signet.Budget({ fingerprint: FP, notBefore: NOW - DAY, notAfter: NOW + DAY, signer: 'alice' });
    const store = signet.CounterStore.memory();
    throwsCode(() => b.use(store, { signer: 'alice', fingerprint: Buffer.alloc(32, 8) }), BudgetError, 'budget_fingerprint_mismatch');
  });
  it('exhausted, with total and used', () => {
    const b = new signet.Budget({ fingerprint: FP, notBefore: NOW - DAY, notAfter: NOW + DAY, signer: 'alice', allotment: 2 });
    const store = signet.CounterStore.memory();
    b.use(store, { signer: 'alice', fingerprint: FP });
    b.use(store, { signer: 'alice', fingerprint: FP.toString('hex') });
    const e = throwsCode(() => b.use(store, { signer: 'alice', fingerprint: FP }), BudgetError, 'budget_exhausted');
    assert.equal(e.total, 2);
    assert.equal(e.used, 2);
    assert.equal(store.usage().used, 2, 'a refusal consumes nothing');
  });
  it('expired, with the times', () => {
    const b = new signet.Budget({ fingerprint: FP, notBefore: NOW - 2 * DAY, notAfter: NOW - DAY, signer: 'alice' });
    const e = throwsCode(() => b.use(signet.CounterStore.memory(), { signer: 'alice', fingerprint: FP, now: NOW }), BudgetError, 'budget_expired');
    assert.equal(e.now, NOW);
    assert.equal(e.notAfter, NOW - DAY);
  });
  it('a role that may not buy, with the role', () => {
    const b = new signet.Budget({ fingerprint: FP, notBefore: NOW - DAY, notAfter: NOW + DAY, signer: 'alice' });
    const e = throwsCode(() => b.buy({ by: { id: 'bob', role: 'standard_user' }, fingerprint: FP, count: 1000 }), BudgetError, 'budget_purchase_not_permitted');
    assert.equal(e.role, 'standard_user');
  });
  it('a ledger held by another store (counter code)', (t) => {
    const dir = scratch(t);
    const first = signet.CounterStore.file(dir);
    t.after(() => first.close());
    throwsCode(() => signet.CounterStore.file(dir, { waitForLock: false }), BudgetError, 'counter_locked');
  });
});

describe('GrantError', () => {
  it('a policy without limits', () => {
    throwsCode(() => new signet.SignerPolicy({ signer: 'alice', maxRequestTtlSecs: 3600, steps: [{ approvers: ['carol'] }] }), GrantError, 'grant_no_limit');
  });
  it('approving your own request; a step you are not in', () => {
    const policy = new signet.SignerPolicy({ signer: 'alice', maxSignings: 5, maxRequestTtlSecs: 3600, steps: [{ approvers: ['carol', 'bob'] }] });
    const req = signet.SigningRequest.open({ id: 1, requester: 'bob', policy, now: NOW });
    throwsCode(() => req.approve('bob', { now: NOW }), GrantError, 'grant_own_request');
    const e = throwsCode(() => req.approve('mallory', { now: NOW }), GrantError, 'grant_not_eligible');
    assert.equal(e.step, 0);
  });
  it('too many operations, with the ceiling', () => {
    const policy = new signet.SignerPolicy({ signer: 'alice', maxSignings: 5, maxRequestTtlSecs: 3600, steps: [{ approvers: ['carol'] }] });
    const e = throwsCode(() => signet.SigningRequest.open({ id: 2, requester: 'bob', policy, allowedOps: 6, now: NOW }), GrantError, 'grant_operations_above_ceiling');
    assert.equal(e.max, 5);
    assert.equal(e.requested, 6);
  });
  it('a request that is no longer open, with its status', () => {
    const policy = new signet.SignerPolicy({ signer: 'alice', maxSignings: 5, maxRequestTtlSecs: 60, steps: [{ approvers: ['carol'] }] });
    const req = signet.SigningRequest.open({ id: 3, requester: 'bob', policy, now: NOW });
    const e = throwsCode(() => req.approve('carol', { now: NOW + 60 }), GrantError, 'grant_request_not_open');
    assert.equal(e.status, 'expired');
  });
});

describe('TokenError', () => {
  it('an unknown handle; malformed key material; an unsupported size', () => {
    const token = new signet.SoftwareToken();
    throwsCode(() => token.publicKey(7), TokenError, 'token_invalid_handle');
    throwsCode(() => token.importPkcs8(Buffer.from('not a key'), { algorithm: 'ecdsa-sha256' }), TokenError, 'token_invalid_key');
    throwsCode(() => token.generate({ algorithm: 'rsa-pss-sha256', rsaBits: 2048 }), TokenError, 'token_not_supported');
  });
});

describe('SignError', () => {
  it('not the assigned signer (sync and async)', async (t) => {
    const dir = scratch(t);
    const { keyPem, certPem } = opensslKeyAndCert(dir, 'p256');
    const token = new signet.SoftwareToken();
    const key = token.importPkcs8(keyPem, { algorithm: 'ecdsa-sha256' });
    const budget = signet.Budget.forCertificate(certPem, { signer: 'alice' });
    const store = signet.CounterStore.memory();
    const signer = new signet.Signer({ certificate: certPem, token, key, budget, store });
    throwsCode(() => signer.signSync('data', { user: 'mallory', algorithm: 'ecdsa-sha256' }), SignError, 'sign_not_assigned_signer');
    await assert.rejects(signer.signAsync('data', { user: 'mallory', algorithm: 'ecdsa-sha256' }), (e) => {
      assert.ok(e instanceof SignError);
      assert.equal(e.code, 'sign_not_assigned_signer');
      return true;
    });
    assert.equal(store.usage().used, 0);
  });
});
