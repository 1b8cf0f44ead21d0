'use strict';
// Errors: each class raised by a real failing call, its class derived from the
// code's domain in the table of codes; the same classes as the browser package;
// core context fields and host hints kept.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const signet = require('..');
const { ROOT, VECTORS, newState, file, throwsCoded } = require('./helpers.js');

const {
  SignetError, InvalidRequestError, KeyPolicyError, BudgetError, GrantError, SignError, VerificationError,
  StateError, UsageError, CLASS_BY_DOMAIN,
} = signet;

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
const FP = Buffer.alloc(32, 7);

/** `fn` throws `Cls` with `code` (also a SignetError and an Error). */
function throwsClass(fn, Cls, code) {
  const e = throwsCoded(fn, code);
  assert.ok(e instanceof Cls, `${code}: expected ${Cls.name}, got ${e.constructor.name}`);
  assert.ok(e instanceof Error);
  assert.ok(e.message.length > 0);
  assert.equal(typeof e.stack, 'string');
  return e;
}

describe('classes follow the table of codes', () => {
  it('one class per domain, named after it', () => {
    const domains = new Set(signet.codes().map((r) => r.domain));
    assert.deepEqual([...domains].sort(), Object.keys(CLASS_BY_DOMAIN).sort());
    for (const [domain, Cls] of Object.entries(CLASS_BY_DOMAIN)) {
      const pascal = domain.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
      assert.equal(Cls.name, `${pascal}Error`);
      assert.ok(Cls.prototype instanceof SignetError);
    }
  });

  it('the browser package has the same classes for the same domains', async () => {
    // js/errors.js, which the browser package ships as it is and this package as CommonJS, is an
    // ES module without imports: load it as one.
    const text = readFileSync(join(ROOT, 'js', 'errors.js'), 'utf8');
    const wasm = await import(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`);
    const names = (table) => Object.fromEntries(Object.entries(table).map(([d, C]) => [d, C.name]));
    assert.deepEqual(names(wasm.CLASS_BY_DOMAIN), names(CLASS_BY_DOMAIN));
    for (const row of signet.codes()) {
      const e = wasm.errorFor(row.domain, row.code, 'm');
      assert.equal(e.constructor.name, CLASS_BY_DOMAIN[row.domain].name, row.code);
      assert.ok(e instanceof wasm.SignetError && e instanceof Error);
      assert.deepEqual([e.code, e.domain, e.name], [row.code, row.domain, CLASS_BY_DOMAIN[row.domain].name]);
    }
  });

  it('every code index.js raises is a row of the table', () => {
    const text = readFileSync(join(__dirname, '..', 'index.js'), 'utf8');
    const raised = [...text.matchAll(/fail\('([a-z0-9_]+)'/g)].map((m) => m[1]);
    assert.ok(raised.length >= 8, `${raised.length} found`);
    for (const code of raised) assert.ok(signet.codeInfo(code), `${code} is not in the table`);
  });

  it('an error of the native layer without a code is native_error (UsageError)', () => {
    const native = new TypeError('boom');
    const e = signet.toSignetError(native);
    assert.ok(e instanceof UsageError);
    assert.equal(e.code, 'native_error');
    assert.equal(e.cause, native);
    assert.equal(signet.toSignetError(e), e);
    const coded = Object.assign(new Error('refused'), { code: 'sign_revoked', domain: 'sign', total: 3 });
    const s = signet.toSignetError(coded);
    assert.ok(s instanceof SignError);
    assert.deepEqual([s.code, s.domain, s.total], ['sign_revoked', 'sign', 3]);
  });
});

describe('InvalidRequestError', () => {
  it('core codes: product, dates, device profile, user ids (with fields)', () => {
    throwsClass(() => signet.validateOrder('{}', { product: 'Code_Signing' }), InvalidRequestError, 'unknown_product');
    throwsClass(() => signet.validateOrder('{}', { at: '2026-3-1' }), InvalidRequestError, 'date_format');
    throwsClass(() => signet.checkPublicKey('x', { at: '2025-02-29' }), InvalidRequestError, 'date_out_of_range');
    throwsClass(() => signet.checkCsr('x', { device: 'yubikey', at: '2025-01-01' }), InvalidRequestError, 'unknown_device_profile');
    const e = throwsClass(() => new signet.Budget({ fingerprint: FP, notBefore: 0, notAfter: 1, signer: 'x'.repeat(65) }), InvalidRequestError, 'user_id_too_long');
    assert.deepEqual([e.max, e.actual], [64, 65]);
    throwsClass(() => new signet.Budget({ fingerprint: FP, notBefore: 0, notAfter: 1, signer: 'a' })
      .buy({ by: { id: 'm', role: 'boss' }, fingerprint: FP, count: 1 }), InvalidRequestError, 'unknown_role');
  });
  it('binding codes', () => {
    throwsClass(() => signet.validateOrder(42), InvalidRequestError, 'invalid_input_type');
    throwsClass(() => signet.validateOrder('{}', { prodcut: 'code_signing' }), InvalidRequestError, 'unknown_option');
    throwsClass(() => signet.validateOrder('{}', 'code_signing'), InvalidRequestError, 'invalid_options');
    throwsClass(() => signet.checkCsr('x', { device: 'hsm', provisioningMethod: 'email' }), InvalidRequestError, 'conflicting_options');
    throwsClass(() => signet.validateOrder('{}', { at: 5 }), InvalidRequestError, 'invalid_option_type');
    throwsClass(() => new signet.Budget({ fingerprint: Buffer.alloc(31), notBefore: 0, notAfter: 1, signer: 'a' }), InvalidRequestError, 'fingerprint_invalid');
  });
});

describe('KeyPolicyError', () => {
  it('a CSR given where a certificate is needed', () => {
    const csr = readFileSync(join(VECTORS, 'keys', 'p256.csr.pem'));
    throwsClass(() => signet.Budget.forCertificate(csr, { signer: 'alice' }), KeyPolicyError, 'not_a_certificate');
  });
});

describe('BudgetError', () => {
  it('in memory: mismatch, expiry and roles, with their fields', () => {
    const b = new signet.Budget({ fingerprint: FP, notBefore: NOW - 2 * DAY, notAfter: NOW - DAY, signer: 'alice' });
    throwsClass(() => b.revoke(Buffer.alloc(32, 8)), BudgetError, 'budget_fingerprint_mismatch');
    const e = throwsClass(() => b.buy({ by: { id: 'm', role: 'manager' }, fingerprint: FP, count: 1000, now: NOW }), BudgetError, 'budget_expired');
    assert.deepEqual([e.now, e.notAfter], [NOW, NOW - DAY]);
    const live = new signet.Budget({ fingerprint: FP, notBefore: NOW - DAY, notAfter: NOW + DAY, signer: 'alice' });
    const r = throwsClass(() => live.buy({ by: { id: 'bob', role: 'standard_user' }, fingerprint: FP, count: 1000 }), BudgetError, 'budget_purchase_not_permitted');
    assert.equal(r.role, 'standard_user');
  });
  it('in a state: all or nothing', (t) => {
    const { state } = newState(t, { budget: 2 });
    const e = throwsClass(() => state.budgetUse({ count: 3 }), BudgetError, 'budget_exhausted');
    assert.match(e.message, /3 signatures needed, 2 remaining/);
    assert.equal(state.status().budget.used, 0);
  });
});

describe('GrantError', () => {
  it('in memory, with fields', () => {
    throwsClass(() => new signet.SignerPolicy({ signer: 'alice', maxRequestTtlSecs: 3600, steps: [{ approvers: ['carol'] }] }), GrantError, 'grant_no_limit');
    const policy = new signet.SignerPolicy({ signer: 'alice', maxSignings: 5, maxRequestTtlSecs: 60, steps: [{ approvers: ['carol', 'bob'] }] });
    const req = signet.SigningRequest.open({ id: 1, requester: 'bob', policy, now: NOW });
    throwsClass(() => req.approve('bob', { now: NOW }), GrantError, 'grant_own_request');
    assert.equal(throwsClass(() => req.approve('mallory', { now: NOW }), GrantError, 'grant_not_eligible').step, 0);
    const c = throwsClass(() => signet.SigningRequest.open({ id: 2, requester: 'bob', policy, allowedOps: 6, now: NOW }), GrantError, 'grant_operations_above_ceiling');
    assert.deepEqual([c.max, c.requested], [5, 6]);
    assert.equal(throwsClass(() => req.approve('carol', { now: NOW + 60 }), GrantError, 'grant_request_not_open').status, 'expired');
  });
  it('in a state: a request without a policy; several active grants', (t) => {
    const { path, state } = newState(t);
    throwsClass(() => state.grantRequest({ allowedOps: 1 }), GrantError, 'grant_no_policy');
    state.grantPolicy({ ttlSecs: 3600, maxSignings: 5, steps: [{ approvers: ['carol'] }] });
    state.grantRequest({ allowedOps: 1 });
    state.grantRequest({ allowedOps: 1 });
    const carol = signet.openState(path, { user: 'carol' });
    carol.grantApprove(1);
    carol.grantApprove(2);
    carol.close();
    const e = throwsClass(() => state.signDigest(Buffer.alloc(32)), GrantError, 'grant_ambiguous');
    assert.equal(typeof e.hint, 'string', 'host hints are kept');
  });
});

describe('SignError, VerificationError, StateError, UsageError', () => {
  it('the sign path refuses: the same code is the same class whatever the caller', async (t) => {
    const { dir, path, state } = newState(t);
    const bob = signet.openState(path, { user: 'bob' });
    t.after(() => bob.close());
    throwsClass(() => bob.signFile(file(dir, 'a')), SignError, 'sign_not_assigned_signer');
    state.budgetRevoke();
    throwsClass(() => state.signFile(file(dir, 'b')), SignError, 'sign_revoked');
    await assert.rejects(state.signFileAsync(file(dir, 'c')), (e) => e instanceof SignError && e.code === 'sign_revoked' && e.domain === 'sign');
  });
  it('verification', (t) => {
    const { dir, state } = newState(t);
    const f = file(dir, 'a');
    state.signFile(f);
    file(dir, 'a', 'changed');
    throwsClass(() => state.verifyFile(f), VerificationError, 'cms_content_digest_mismatch');
    throwsClass(() => state.verifyFile(file(dir, 'b'), { signature: f }), VerificationError, 'cms_malformed');
  });
  it('state and usage', (t) => {
    const { dir } = newState(t);
    throwsClass(() => signet.openState(join(dir, 'none')), StateError, 'state_not_initialised');
    const { state } = newState(t);
    state.close();
    throwsClass(() => state.status(), UsageError, 'state_closed');
  });
});
