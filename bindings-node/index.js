'use strict';
// The idiomatic JS API over the native addon (index.node built by napi-rs):
// option objects, Dates, Buffers or strings in; plain objects out; every
// native error re-thrown as a SignetError subclass (errors.js).

const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const errors = require('./errors.js');

const {
  SignetError, InvalidRequestError, KeyPolicyError, BudgetError, GrantError, TokenError, SignError,
  CLASS_BY_KIND, toSignetError,
} = errors;

function loadNative() {
  const prefix = `signet.${process.platform}-${process.arch}`;
  const file = readdirSync(__dirname).find((f) => f.startsWith(prefix) && f.endsWith('.node'));
  if (!file) {
    throw new Error(`signet: no native addon ${prefix}*.node in ${__dirname}; run \`npm install\` (or \`npm run build\`) there`);
  }
  return require(join(__dirname, file));
}

const native = loadNative();

/** Runs a native call, re-throwing its error as a SignetError subclass. */
function call(fn) {
  try {
    return fn();
  } catch (e) {
    throw toSignetError(e);
  }
}

const NATIVE = Symbol('signet.native');

function unwrap(value, Cls, name) {
  if (!(value instanceof Cls)) {
    throw new InvalidRequestError('invalid_option_type', `${name} must be a ${Cls.name}`);
  }
  return value[NATIVE];
}

/** Reads an options object: undefined/null means none; unknown keys are refused. */
function readOptions(options, allowed) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidRequestError('invalid_options', 'options must be an object (or undefined)');
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new InvalidRequestError('unknown_option', `unknown option ${JSON.stringify(key)} (allowed: ${allowed.join(', ')})`);
    }
  }
  return options;
}

function optString(name, v) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InvalidRequestError('invalid_option_type', `${name} must be a string`);
  return v;
}

function optBool(name, v) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new InvalidRequestError('invalid_option_type', `${name} must be a boolean`);
  return v;
}

function reqString(name, v) {
  if (typeof v !== 'string') throw new InvalidRequestError('invalid_option_type', `${name} must be a string`);
  return v;
}

function optNumber(name, v) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw new InvalidRequestError('invalid_option_type', `${name} must be a number`);
  return v;
}

/** string (UTF-8) | Buffer | Uint8Array → Buffer. */
function bytes(name, v) {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  throw new InvalidRequestError('invalid_input_type', `${name} must be a string, Buffer or Uint8Array`);
}

/** `at` option: 'YYYY-MM-DD' or a Date (its UTC day); default today (UTC). */
function day(v) {
  if (v === undefined || v === null) return new Date().toISOString().slice(0, 10);
  if (typeof v === 'string') return v;
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().slice(0, 10);
  throw new InvalidRequestError('invalid_option_type', 'at must be a YYYY-MM-DD string or a valid Date');
}

/** A time: Date, or whole seconds since the epoch; default now. */
function seconds(name, v) {
  if (v === undefined || v === null) return Math.floor(Date.now() / 1000);
  if (v instanceof Date && !Number.isNaN(v.getTime())) return Math.floor(v.getTime() / 1000);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  throw new InvalidRequestError('invalid_option_type', `${name} must be a Date or whole seconds since the epoch`);
}

function toDate(secs) {
  return secs === null || secs === undefined ? null : new Date(secs * 1000);
}

/** A SHA-256 fingerprint: Buffer/Uint8Array or hex string. */
function fingerprintBytes(v) {
  if (typeof v === 'string') {
    if (!/^[0-9a-fA-F]*$/.test(v) || v.length % 2 !== 0) {
      throw new InvalidRequestError('invalid_fingerprint', 'a fingerprint string must be hex');
    }
    return Buffer.from(v, 'hex');
  }
  return bytes('fingerprint', v);
}

// ---------------------------------------------------------------- validation

function validateOrder(body, options) {
  const o = readOptions(options, ['product', 'at']);
  let input;
  if (body !== null && typeof body === 'object' && !(body instanceof Uint8Array)) {
    input = Buffer.from(JSON.stringify(body), 'utf8');
  } else {
    input = bytes('body', body);
  }
  const product = optString('product', o.product);
  return call(() => native.validateOrder(input, product, day(o.at)));
}

function checkCsr(input, options) {
  const o = readOptions(options, ['device', 'provisioningMethod', 'at']);
  const data = bytes('input', input);
  const device = optString('device', o.device);
  const method = optString('provisioningMethod', o.provisioningMethod);
  return call(() => native.checkCsr(data, device, method, day(o.at)));
}

function checkCertificate(input, options) {
  const o = readOptions(options, ['at']);
  const data = bytes('input', input);
  return call(() => native.checkCertificate(data, day(o.at)));
}

function checkSpki(input, options) {
  const o = readOptions(options, ['device', 'at']);
  const data = bytes('input', input);
  const device = optString('device', o.device);
  return call(() => native.checkSpki(data, device, day(o.at)));
}

// ---------------------------------------------------------------- counters, budgets

class CounterStore {
  constructor(inner) {
    if (!(inner instanceof native.CounterStore)) {
      throw new InvalidRequestError('invalid_argument', 'use CounterStore.memory() or CounterStore.file(dir)');
    }
    this[NATIVE] = inner;
  }
  static memory() {
    return new CounterStore(call(() => native.CounterStore.memory()));
  }
  static file(dir, options) {
    const o = readOptions(options, ['block', 'waitForLock']);
    const block = optNumber('block', o.block);
    const wait = optBool('waitForLock', o.waitForLock);
    return new CounterStore(call(() => native.CounterStore.file(reqString('dir', dir), block, wait)));
  }
  usage() {
    return call(() => this[NATIVE].usage());
  }
  get recovery() {
    return call(() => this[NATIVE].recovery) ?? null;
  }
  close() {
    call(() => this[NATIVE].close());
  }
}

function actor(a) {
  if (a === null || typeof a !== 'object') throw new InvalidRequestError('invalid_option_type', 'by must be an actor object');
  const o = readOptions(a, ['id', 'role', 'subaccount', 'keylockerLead']);
  return {
    id: reqString('by.id', o.id),
    role: reqString('by.role', o.role),
    subaccount: optBool('by.subaccount', o.subaccount),
    keylockerLead: optBool('by.keylockerLead', o.keylockerLead),
  };
}

class Budget {
  constructor(options) {
    if (options instanceof native.Budget) {
      this[NATIVE] = options;
      return;
    }
    const o = readOptions(options, ['fingerprint', 'notBefore', 'notAfter', 'signer', 'allotment']);
    const fp = fingerprintBytes(o.fingerprint);
    const nb = seconds('notBefore', o.notBefore);
    const na = seconds('notAfter', o.notAfter);
    const signer = reqString('signer', o.signer);
    const allotment = optNumber('allotment', o.allotment);
    this[NATIVE] = call(() => new native.Budget(fp, nb, na, signer, allotment));
  }
  static forCertificate(certificate, options) {
    const o = readOptions(options, ['signer', 'allotment']);
    const cert = bytes('certificate', certificate);
    const signer = reqString('signer', o.signer);
    const allotment = optNumber('allotment', o.allotment);
    return new Budget(call(() => native.Budget.forCertificate(cert, signer, allotment)));
  }
  get fingerprint() { return call(() => this[NATIVE].fingerprint); }
  get notBefore() { return toDate(call(() => this[NATIVE].notBefore)); }
  get notAfter() { return toDate(call(() => this[NATIVE].notAfter)); }
  get allotment() { return call(() => this[NATIVE].allotment); }
  get purchased() { return call(() => this[NATIVE].purchased); }
  get total() { return call(() => this[NATIVE].total); }
  get revoked() { return call(() => this[NATIVE].revoked); }
  get signer() { return call(() => this[NATIVE].signer); }
  remaining(store, options) {
    const o = readOptions(options, ['now']);
    const s = unwrap(store, CounterStore, 'store');
    return call(() => this[NATIVE].remaining(s, seconds('now', o.now)));
  }
  level(store) {
    const s = unwrap(store, CounterStore, 'store');
    return call(() => this[NATIVE].level(s));
  }
  buy(options) {
    const o = readOptions(options, ['by', 'fingerprint', 'count', 'now']);
    const by = actor(o.by);
    const fp = fingerprintBytes(o.fingerprint);
    const count = optNumber('count', o.count);
    if (count === undefined) throw new InvalidRequestError('invalid_option_type', 'count must be a number');
    return call(() => this[NATIVE].buy(by, fp, count, seconds('now', o.now)));
  }
  revoke(fingerprint) {
    const fp = fingerprintBytes(fingerprint);
    call(() => this[NATIVE].revoke(fp));
  }
  assignSigner(options) {
    const o = readOptions(options, ['by', 'fingerprint', 'signer']);
    const by = actor(o.by);
    const fp = fingerprintBytes(o.fingerprint);
    const signer = reqString('signer', o.signer);
    call(() => this[NATIVE].assignSigner(by, fp, signer));
  }
  use(store, options) {
    const s = unwrap(store, CounterStore, 'store');
    const o = readOptions(options, ['signer', 'fingerprint', 'now']);
    const signer = reqString('signer', o.signer);
    const fp = fingerprintBytes(o.fingerprint);
    return call(() => this[NATIVE].use(s, signer, fp, seconds('now', o.now)));
  }
}

// ---------------------------------------------------------------- grants

class SignerPolicy {
  constructor(options) {
    const o = readOptions(options, ['signer', 'maxWindowSecs', 'maxSignings', 'maxRequestTtlSecs', 'steps']);
    const signer = reqString('signer', o.signer);
    const window = optNumber('maxWindowSecs', o.maxWindowSecs);
    const signings = optNumber('maxSignings', o.maxSignings);
    const ttl = optNumber('maxRequestTtlSecs', o.maxRequestTtlSecs);
    if (ttl === undefined) throw new InvalidRequestError('invalid_option_type', 'maxRequestTtlSecs must be a number');
    if (!Array.isArray(o.steps)) throw new InvalidRequestError('invalid_option_type', 'steps must be an array');
    const steps = o.steps.map((s, i) => {
      const so = readOptions(s, ['approvers', 'threshold']);
      if (!Array.isArray(so.approvers)) throw new InvalidRequestError('invalid_option_type', `steps[${i}].approvers must be an array`);
      return {
        approvers: so.approvers.map((a, j) => reqString(`steps[${i}].approvers[${j}]`, a)),
        threshold: optNumber(`steps[${i}].threshold`, so.threshold) ?? 1,
      };
    });
    this[NATIVE] = call(() => new native.SignerPolicy(signer, window, signings, ttl, steps));
  }
  get signer() { return call(() => this[NATIVE].signer); }
}

class Grant {
  constructor(inner) {
    if (!(inner instanceof native.Grant)) {
      throw new InvalidRequestError('invalid_argument', 'grants are issued by SigningRequest.approve');
    }
    this[NATIVE] = inner;
  }
  get id() { return call(() => this[NATIVE].id); }
  get signer() { return call(() => this[NATIVE].signer); }
  get grantee() { return call(() => this[NATIVE].grantee); }
  get validFrom() { return toDate(call(() => this[NATIVE].validFrom)); }
  get validUntil() { return toDate(call(() => this[NATIVE].validUntil)); }
  get allowedOps() { return call(() => this[NATIVE].allowedOps) ?? null; }
  get used() { return call(() => this[NATIVE].used); }
  status(now) { return call(() => this[NATIVE].status(seconds('now', now))); }
  revoke() { call(() => this[NATIVE].revoke()); }
}

class SigningRequest {
  constructor(inner) {
    if (!(inner instanceof native.SigningRequest)) {
      throw new InvalidRequestError('invalid_argument', 'use SigningRequest.open(...)');
    }
    this[NATIVE] = inner;
  }
  static open(options) {
    const o = readOptions(options, ['id', 'requester', 'policy', 'validFrom', 'validUntil', 'allowedOps', 'justification', 'now']);
    const id = optNumber('id', o.id);
    if (id === undefined) throw new InvalidRequestError('invalid_option_type', 'id must be a number');
    const requester = reqString('requester', o.requester);
    const policy = unwrap(o.policy, SignerPolicy, 'policy');
    const params = {
      validFrom: o.validFrom === undefined ? undefined : seconds('validFrom', o.validFrom),
      validUntil: o.validUntil === undefined ? undefined : seconds('validUntil', o.validUntil),
      allowedOps: optNumber('allowedOps', o.allowedOps),
      justification: optString('justification', o.justification),
    };
    return new SigningRequest(call(() => native.SigningRequest.open(id, requester, policy, params, seconds('now', o.now))));
  }
  get id() { return call(() => this[NATIVE].id); }
  status(now) { return call(() => this[NATIVE].status(seconds('now', now))); }
  approve(approver, options) {
    const o = readOptions(options, ['now']);
    const a = reqString('approver', approver);
    const r = call(() => this[NATIVE].approve(a, seconds('now', o.now)));
    const out = { outcome: r.outcome };
    for (const k of ['step', 'approvals', 'threshold', 'nextStep']) if (r[k] !== undefined && r[k] !== null) out[k] = r[k];
    if (r.outcome === 'granted') out.grant = new Grant(call(() => this[NATIVE].takeGrant()));
    return out;
  }
  reject(approver, options) {
    const o = readOptions(options, ['comment', 'now']);
    const a = reqString('approver', approver);
    const comment = optString('comment', o.comment);
    call(() => this[NATIVE].reject(a, comment, seconds('now', o.now)));
  }
  cancel(requester, options) {
    const o = readOptions(options, ['now']);
    const r = reqString('requester', requester);
    call(() => this[NATIVE].cancel(r, seconds('now', o.now)));
  }
}

// ---------------------------------------------------------------- token, signer

class SoftwareToken {
  constructor() {
    this[NATIVE] = call(() => new native.SoftwareToken());
  }
  generate(options) {
    const o = readOptions(options, ['algorithm', 'curve', 'rsaBits']);
    const alg = reqString('algorithm', o.algorithm);
    const curve = optString('curve', o.curve);
    const bits = optNumber('rsaBits', o.rsaBits);
    return call(() => this[NATIVE].generate(alg, curve, bits));
  }
  importPkcs8(key, options) {
    const o = readOptions(options, ['algorithm']);
    const data = bytes('key', key);
    const alg = reqString('algorithm', o.algorithm);
    return call(() => this[NATIVE].importPkcs8(data, alg));
  }
  publicKey(handle) { return call(() => this[NATIVE].publicKey(handle)); }
  keyInfo(handle) {
    const k = call(() => this[NATIVE].keyInfo(handle));
    return { keyType: k.keyType, bits: k.bits, curve: k.curve ?? null, algorithm: k.algorithm, exportable: k.exportable };
  }
  destroy(handle) { call(() => this[NATIVE].destroy(handle)); }
}

function signArgs(options) {
  const o = readOptions(options, ['user', 'algorithm', 'grant', 'now']);
  return {
    user: reqString('user', o.user),
    algorithm: reqString('algorithm', o.algorithm),
    grant: o.grant === undefined || o.grant === null ? undefined : unwrap(o.grant, Grant, 'grant'),
    now: seconds('now', o.now),
  };
}

function receipt(signed) {
  const r = signed.receipt;
  return {
    signature: signed.signature,
    receipt: {
      certFingerprint: r.certFingerprint,
      counterIndex: r.counterIndex,
      grantId: r.grantId ?? null,
      signaturesRemaining: r.signaturesRemaining,
      level: r.level,
      crossed: r.crossed ?? null,
      algorithm: r.algorithm,
    },
  };
}

class Signer {
  constructor(options) {
    const o = readOptions(options, ['certificate', 'token', 'key', 'budget', 'store', 'requireGrant', 'verifyEcdsa']);
    const cert = bytes('certificate', o.certificate);
    const token = unwrap(o.token, SoftwareToken, 'token');
    const key = optNumber('key', o.key);
    if (key === undefined) throw new InvalidRequestError('invalid_option_type', 'key must be a key handle (number)');
    const budget = unwrap(o.budget, Budget, 'budget');
    const store = unwrap(o.store, CounterStore, 'store');
    const requireGrant = optBool('requireGrant', o.requireGrant);
    const verifyEcdsa = optBool('verifyEcdsa', o.verifyEcdsa);
    this[NATIVE] = call(() => new native.Signer(cert, token, key, budget, store, requireGrant, verifyEcdsa));
  }
  #sync(kind, input, options) {
    const data = bytes('input', input);
    const a = signArgs(options);
    return receipt(call(() => this[NATIVE].signSync(kind, data, a.algorithm, a.user, a.now, a.grant)));
  }
  async #async(kind, input, options) {
    const data = bytes('input', input);
    const a = signArgs(options);
    const task = call(() => this[NATIVE].signAsync(kind, data, a.algorithm, a.user, a.now, a.grant));
    try {
      return receipt(await task);
    } catch (e) {
      throw toSignetError(e);
    }
  }
  signSync(data, options) { return this.#sync('data', data, options); }
  signAsync(data, options) { return this.#async('data', data, options); }
  signDigestSync(digest, options) { return this.#sync('digest', digest, options); }
  signDigestAsync(digest, options) { return this.#async('digest', digest, options); }
  signCmsSync(data, options) { return this.#sync('cms', data, options); }
  signCmsAsync(data, options) { return this.#async('cms', data, options); }
}

function coreVersion() {
  return call(() => native.coreVersion());
}

module.exports = {
  coreVersion,
  validateOrder,
  checkCsr,
  checkCertificate,
  checkSpki,
  CounterStore,
  Budget,
  SignerPolicy,
  SigningRequest,
  Grant,
  SoftwareToken,
  Signer,
  // Shorthand names (no spread, no member expressions) so that ES modules can
  // import them by name (`import { SignError } from 'signet'`).
  SignetError,
  InvalidRequestError,
  KeyPolicyError,
  BudgetError,
  GrantError,
  TokenError,
  SignError,
  CLASS_BY_KIND,
  toSignetError,
};
