// Types of the `signet` Node package (hand-written; checked with `tsc --strict`
// against tests/types.ts).

/// <reference types="node" />

/** Text (UTF-8) or raw bytes. */
export type Input = string | Buffer | Uint8Array;
/** A day: `YYYY-MM-DD` (UTC) or a `Date` (its UTC day). */
export type Day = string | Date;
/** A point in time: a `Date`, or whole seconds since the Unix epoch. */
export type Time = Date | number;

export type Product = 'code_signing' | 'code_signing_ev';
export type DeviceProfile = 'etoken-5110-cc' | 'etoken-5110-fips' | 'etoken-5110' | 'hsm' | 'keylocker';
export type Severity = 'error' | 'warning';
export type UsageLevel = 'normal' | 'warn80' | 'warn90' | 'exhausted';
export type Role = 'administrator' | 'manager' | 'standard_user' | 'limited_user' | 'finance_manager';
export type RequestStatus = 'open' | 'approved' | 'rejected' | 'cancelled' | 'expired';
export type GrantStatus = 'not_yet_active' | 'active' | 'window_ended' | 'used_up' | 'revoked';
export type SignatureAlgorithm =
  | 'rsa-pkcs1v15-sha256' | 'rsa-pkcs1v15-sha384' | 'rsa-pkcs1v15-sha512'
  | 'rsa-pss-sha256' | 'rsa-pss-sha384' | 'rsa-pss-sha512'
  | 'ecdsa-sha256' | 'ecdsa-sha384' | 'ecdsa-sha512'
  | 'ecdsa-sha256-fixed' | 'ecdsa-sha384-fixed' | 'ecdsa-sha512-fixed';

/** One problem found. Match on `code` (stable); `message` is for people. */
export interface Finding {
  severity: Severity;
  /** `organization.contacts[0].job_title`, `key`, `signature`, `validity`; `""` is the whole document. */
  path: string;
  code: string;
  message: string;
}

/** `valid` is false when any finding is an error. */
export interface Report {
  valid: boolean;
  findings: Finding[];
}

export interface ValidateOrderOptions {
  /** Default `code_signing`. */
  product?: Product;
  /** Effective date. Default: today (UTC). */
  at?: Day;
}

/** Validates an order body (JSON text or bytes, or an object that is serialised to JSON). A body that is not JSON is a finding. */
export function validateOrder(body: Input | object, options?: ValidateOrderOptions): Report;

export interface CheckCsrOptions {
  device?: DeviceProfile;
  /** An order's `cs_provisioning_method`; gives the device it implies. Not together with `device`. */
  provisioningMethod?: string;
  at?: Day;
}
export interface CheckKeyOptions {
  device?: DeviceProfile;
  at?: Day;
}
export interface CheckCertificateOptions {
  /** Checked for signing at midnight UTC of this day. Default: today. */
  at?: Day;
}

/** Checks a CSR (PEM or DER). */
export function checkCsr(input: Input, options?: CheckCsrOptions): Report;
/** Checks a certificate (PEM or DER) for signing. */
export function checkCertificate(input: Input, options?: CheckCertificateOptions): Report;
/** Checks a public key (`SubjectPublicKeyInfo`, PEM or DER). */
export function checkSpki(input: Input, options?: CheckKeyOptions): Report;

/** The version of signet-core the addon wraps. */
export function coreVersion(): string;

export interface Usage {
  nextIndex: number;
  committed: number;
  released: number;
  /** Counted against the limit: every reservation not given back (fail closed). */
  used: number;
  pending: number;
}
export interface Recovery {
  usage: Usage;
  /** Reserved but never settled before a crash; counted as used. */
  lost: number;
}
export interface FileStoreOptions {
  /** Reservations made durable per write (default 1: strict). */
  block?: number;
  /** Wait for another process to release the ledger (default true) or fail with `counter_locked`. */
  waitForLock?: boolean;
}

/** A fail-closed signature counter. */
export class CounterStore {
  private constructor();
  static memory(): CounterStore;
  static file(dir: string, options?: FileStoreOptions): CounterStore;
  usage(): Usage;
  /** What opening a file store recovered; `null` for a memory store. */
  readonly recovery: Recovery | null;
  /** Releases the store (and a file ledger's lock). Later use throws `store_closed`. */
  close(): void;
}

export interface Actor {
  id: string;
  role: Role;
  subaccount?: boolean;
  keylockerLead?: boolean;
}

/** A certificate fingerprint: 32 bytes, or 64 hex digits. */
export type Fingerprint = Buffer | Uint8Array | string;

export interface BudgetOptions {
  fingerprint: Fingerprint;
  notBefore: Time;
  notAfter: Time;
  signer: string;
  /** Default 1000. */
  allotment?: number;
}

export interface UseReport {
  index: number;
  used: number;
  remaining: number;
  level: UsageLevel;
  crossed?: UsageLevel | null;
}

/** The signature budget of one certificate. */
export class Budget {
  constructor(options: BudgetOptions);
  /** A budget bound to a certificate's fingerprint and validity. */
  static forCertificate(certificate: Input, options: { signer: string; allotment?: number }): Budget;
  readonly fingerprint: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly allotment: number;
  readonly purchased: number;
  readonly total: number;
  readonly revoked: boolean;
  readonly signer: string;
  remaining(store: CounterStore, options?: { now?: Time }): number;
  level(store: CounterStore): UsageLevel;
  /** Buys more signatures; returns the new total. */
  buy(options: { by: Actor; fingerprint: Fingerprint; count: number; now?: Time }): number;
  revoke(fingerprint: Fingerprint): void;
  assignSigner(options: { by: Actor; fingerprint: Fingerprint; signer: string }): void;
  /** Counts one use without signing. */
  use(store: CounterStore, options: { signer: string; fingerprint: Fingerprint; now?: Time }): UseReport;
}

export interface ApprovalStepSpec {
  approvers: string[];
  /** Default 1. */
  threshold?: number;
}
export interface SignerPolicyOptions {
  signer: string;
  maxWindowSecs?: number;
  maxSignings?: number;
  maxRequestTtlSecs: number;
  steps: ApprovalStepSpec[];
}

export class SignerPolicy {
  constructor(options: SignerPolicyOptions);
  readonly signer: string;
}

export interface OpenRequestOptions {
  id: number;
  requester: string;
  policy: SignerPolicy;
  validFrom?: Time;
  validUntil?: Time;
  allowedOps?: number;
  justification?: string;
  now?: Time;
}

export type Approval =
  | { outcome: 'recorded'; step: number; approvals: number; threshold: number }
  | { outcome: 'step_complete'; step: number; nextStep: number }
  | { outcome: 'granted'; step: number; grant: Grant };

export class SigningRequest {
  private constructor();
  static open(options: OpenRequestOptions): SigningRequest;
  readonly id: number;
  status(now?: Time): RequestStatus;
  approve(approver: string, options?: { now?: Time }): Approval;
  reject(approver: string, options?: { comment?: string; now?: Time }): void;
  cancel(requester: string, options?: { now?: Time }): void;
}

export class Grant {
  private constructor();
  readonly id: number;
  readonly signer: string;
  readonly grantee: string;
  readonly validFrom: Date;
  readonly validUntil: Date | null;
  readonly allowedOps: number | null;
  readonly used: number;
  status(now?: Time): GrantStatus;
  revoke(): void;
}

export interface KeyInfo {
  keyType: 'ec' | 'rsa';
  bits: number;
  curve: 'P-256' | 'P-384' | null;
  algorithm: SignatureAlgorithm;
  /** Always false. */
  exportable: false;
}

/** An in-memory software token (tests and development only). Private keys never leave it. */
export class SoftwareToken {
  constructor();
  /** Generates a key for `algorithm`; returns its handle. */
  generate(options: { algorithm: SignatureAlgorithm; curve?: 'P-256' | 'P-384'; rsaBits?: 3072 | 4096 }): number;
  /** Imports a PKCS#8 private key (PEM or DER); returns its handle. */
  importPkcs8(key: Input, options: { algorithm: SignatureAlgorithm }): number;
  /** DER SubjectPublicKeyInfo. */
  publicKey(handle: number): Buffer;
  keyInfo(handle: number): KeyInfo;
  destroy(handle: number): void;
}

export interface SignerOptions {
  certificate: Input;
  token: SoftwareToken;
  key: number;
  budget: Budget;
  store: CounterStore;
  /** Every signature needs a grant (default false). */
  requireGrant?: boolean;
  /** Verify ECDSA signatures before release (default true; RSA always). */
  verifyEcdsa?: boolean;
}
export interface SignOptions {
  user: string;
  algorithm: SignatureAlgorithm;
  grant?: Grant;
  now?: Time;
}
export interface Receipt {
  certFingerprint: Buffer;
  counterIndex: number;
  grantId: number | null;
  signaturesRemaining: number;
  level: UsageLevel;
  crossed: UsageLevel | null;
  algorithm: SignatureAlgorithm;
}
export interface Signed {
  /** The signature, or a DER CMS ContentInfo for `signCms*`. */
  signature: Buffer;
  receipt: Receipt;
}

/** The enforced sign primitive. `*Async` runs on the libuv thread pool. */
export class Signer {
  constructor(options: SignerOptions);
  signSync(data: Input, options: SignOptions): Signed;
  signAsync(data: Input, options: SignOptions): Promise<Signed>;
  signDigestSync(digest: Input, options: SignOptions): Signed;
  signDigestAsync(digest: Input, options: SignOptions): Promise<Signed>;
  signCmsSync(data: Input, options: SignOptions): Signed;
  signCmsAsync(data: Input, options: SignOptions): Promise<Signed>;
}

/** Base class of every error the package throws. */
export class SignetError extends Error {
  constructor(code: string, message: string, fields?: Record<string, unknown>);
  /** Stable snake_case code, the same as signet-core's. */
  readonly code: string;
  /** Context of the failure (e.g. `total`, `used`, `notAfter`, `status`). */
  readonly [field: string]: unknown;
}
export class InvalidRequestError extends SignetError {}
export class KeyPolicyError extends SignetError {}
export class BudgetError extends SignetError {}
export class GrantError extends SignetError {}
export class TokenError extends SignetError {}
export class SignError extends SignetError {}
export const CLASS_BY_KIND: Readonly<Record<'request' | 'policy' | 'budget' | 'grant' | 'token' | 'sign', typeof SignetError>>;
/** Converts an error from the native layer into its SignetError subclass. */
export function toSignetError(e: unknown): SignetError;
