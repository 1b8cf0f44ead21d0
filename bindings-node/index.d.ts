// Types of the `signet` Node package (hand-written; checked with `tsc --strict`
// against tests/types.ts). Numbers are range-checked by the package: a value
// that is not a whole number in the argument's range throws `invalid_number`.
// What the browser package offers too (the checks, their options and reports,
// the error classes) is declared once, in the repository's js/shared.d.ts,
// copied in here as shared.d.ts.

/// <reference types="node" />

import type { Domain, Input, SignetError } from './shared';
export * from './shared';

/** A point in time: a `Date`, or whole seconds since the Unix epoch. */
export type Time = Date | number;

export type UsageLevel = 'normal' | 'warn80' | 'warn90' | 'exhausted';
export type Role = 'administrator' | 'manager' | 'standard_user' | 'limited_user' | 'finance_manager';
export type RequestStatus = 'open' | 'approved' | 'rejected' | 'cancelled' | 'expired';
export type GrantStatus = 'not_yet_active' | 'active' | 'window_ended' | 'used_up' | 'revoked';
export type SignatureAlgorithm =
  | 'rsa-pkcs1v15-sha256' | 'rsa-pkcs1v15-sha384' | 'rsa-pkcs1v15-sha512'
  | 'rsa-pss-sha256' | 'rsa-pss-sha384' | 'rsa-pss-sha512'
  | 'ecdsa-sha256' | 'ecdsa-sha384' | 'ecdsa-sha512'
  | 'ecdsa-sha256-fixed' | 'ecdsa-sha384-fixed' | 'ecdsa-sha512-fixed';

/** The version of signet-core the addon wraps. */
export function coreVersion(): string;

/** One row of the table of codes (`signet_core::codes::TABLE`), shared by every surface. */
export interface CodeInfo {
  code: string;
  /** Its number in the C ABI. */
  number: number;
  domain: Domain;
  description: string;
}
/** Every row of the table of codes. */
export function codes(): CodeInfo[];
/** The row of one code, or null. */
export function codeInfo(code: string): CodeInfo | null;

// ---------------------------------------------------------------- state

/**
 * A time for the host: a `Date`, whole seconds since the epoch, or RFC 3339 text
 * (`2026-03-01T12:00:00Z`; the host reads it, `time_invalid` otherwise).
 */
export type HostTime = Date | number | string;

/** Core key type names. */
export type KeyType = 'ecc-p256' | 'ecc-p384' | 'rsa-3072' | 'rsa-4096';

export interface OpenOptions {
  /** The acting user. Default: the OS user. */
  user?: string;
  /** A fixed clock (development states). Default: the system clock. */
  now?: HostTime;
}
export interface OpenStateOptions extends OpenOptions {
  /** The PIN of a key on a PKCS#11 token. Default: `$SIGNET_PKCS11_PIN`, or the URI's `pin-source`. A PIN for a software key is refused (`state_pin_unexpected`). */
  pin?: string;
}
export interface CreateOptions extends OpenOptions {
  /** Default `ecc-p256`. */
  keyType?: KeyType;
  /** Signatures in the certificate's budget. Default 1000. */
  budget?: number;
  /** Days of certificate validity. Default 365. */
  days?: number;
  /** The assigned signer. Default: the acting user. */
  signer?: string;
}
export interface InitOptions extends CreateOptions {
  /** Replace an existing signer (its budget stays with its certificate). */
  force?: boolean;
  /**
   * A key on a PKCS#11 token, named by its RFC 7512 URI (`pkcs11:token=...;object=...;type=private?module-path=...`,
   * the PIN as `pin-value`, `pin-source` or `$SIGNET_PKCS11_PIN`): a production state (the OS user, the system clock).
   */
  token?: string;
  /** Generate the key on the token (of `keyType`; sensitive, never extractable). Default: use the key the URI names. */
  generate?: boolean;
}

/** Opens the state in `path` (default `$SIGNET_STATE`, else `$XDG_DATA_HOME/signet`), checking every part (fails closed). */
export function openState(path?: string, options?: OpenStateOptions): State;
/** Creates a development state in `path`: key, self-issued certificate, budget. */
export function initState(path: string, options?: InitOptions): State;
/** Opens the state in `path`, creating a development state only if `path` does not exist at all. */
export function openOrCreateState(path?: string, options?: CreateOptions): State;
/** Verifies a file against its detached CMS signature without a state: give `cert` or `anySigner`. */
export function verifyFile(file: string, options?: VerifyOptions): Verified;

/** Which certificate's budget or policy: default the state's signing certificate. */
export interface Which {
  fingerprint?: Fingerprint;
}
export interface SignOptions {
  /** The grant to sign under. Default: the acting user's only active grant, when a signer policy requires one. */
  grant?: number;
}
export interface TimestampOptions {
  /** RFC 3161 timestamp authorities (`http://` only), tried in order. Default: `[timestamp] urls` in `signet.toml`. Without a usable timestamp nothing is written (`timestamp_failed`) and the signature stays counted. */
  tsa?: string[];
}
export interface SignFileOptions extends SignOptions, TimestampOptions {
  /** Where the signature goes. Default `FILE.p7s`. */
  output?: string;
}
export interface SignFilesOptions extends SignOptions, TimestampOptions {
  /** Each signature as `DIR/<name>.p7s`. Default: next to each file. */
  outputDir?: string;
}
export interface VerifyOptions {
  /** The signature. Default `FILE.p7s`. */
  signature?: string;
  /** The expected signer's certificate (PEM or DER). Default: the state's. */
  cert?: Input;
  /** Integrity only: accept any signer. Not together with `cert`. */
  anySigner?: boolean;
}
export interface BudgetInitOptions {
  signer: string;
  /** Start of use, if later than the certificate's notBefore. */
  notBefore?: HostTime;
  /** End of use, if earlier than the certificate's notAfter. */
  notAfter?: HostTime;
  /** Default 1000. */
  allotment?: number;
}
export interface ActingAs {
  /** The acting user's account role. Default `standard_user`. */
  role?: Role;
  subaccount?: boolean;
}
export interface PolicyOptions extends Which {
  /** How long a request may stay open, seconds. */
  ttlSecs: number;
  steps: ApprovalStepSpec[];
  /** Longest signing window, seconds. */
  maxWindowSecs?: number;
  /** Most sign operations per grant. */
  maxSignings?: number;
}
export interface RequestOptions extends Which {
  /** Default: now. */
  validFrom?: HostTime;
  /** Default: the policy's maximum window. */
  validUntil?: HostTime;
  /** Default: the policy's maximum. */
  allowedOps?: number;
  justification?: string;
}

// Reports: the host's, with exactly the keys `signet --json` prints (snake_case).
// Times are seconds since the epoch; fingerprints are lower-case hex.

export type BudgetState = 'valid' | 'not_yet_valid' | 'expired' | 'revoked';
export interface Crossing { used: number; level: UsageLevel }
export interface BudgetReport {
  fingerprint: string;
  signer: string;
  not_before: number;
  not_after: number;
  state: BudgetState;
  allotment: number;
  purchased: number;
  total: number;
  /** Committed, in flight, or lost in a crash (fail closed). */
  used: number;
  committed: number;
  lost_in_crashes: number;
  remaining: number;
  level: UsageLevel;
  /** Levels crossed by the operation that returned this report. */
  crossed: Crossing[];
}
export interface Status {
  state_dir: string;
  development: boolean;
  token: string;
  certificate: { subject: string; fingerprint: string; not_before: number; not_after: number };
  key_type: KeyType;
  algorithm: SignatureAlgorithm;
  signer: string;
  /** A signer policy makes every signature need a grant. */
  grant_required: boolean;
  budget: BudgetReport;
}
/** Where a signature's record landed in the hash-chained audit log. */
export interface AuditReceipt {
  seq: number;
  hash: string;
}
export interface SignedFile {
  /** The signature's audit record (its receipt). */
  audit: AuditReceipt;
  file: string;
  signature: string;
  counter_index: number;
  grant: number | null;
  remaining: number;
  level: UsageLevel;
  /** The embedded RFC 3161 timestamp (UNIX seconds), when one was asked for. */
  timestamp: number | null;
}
export interface SignedBatch {
  signed: SignedFile[];
  crossed: Crossing[];
  remaining: number;
}
export interface SignedDigest {
  /** The signature's audit record (its receipt). */
  audit: AuditReceipt;
  /** The signature (DER for ECDSA). Hex in the CLI's JSON, a Buffer here. */
  signature: Buffer;
  algorithm: SignatureAlgorithm;
  counter_index: number;
  grant: number | null;
  remaining: number;
  level: UsageLevel;
  crossed: UsageLevel | null;
}
export interface Verified {
  file: string;
  signature: string;
  certificate_fingerprint: string;
  subject: string;
  algorithm: SignatureAlgorithm;
  /** `any_signer`: integrity only, who signed was not checked. */
  signer_check: 'state_certificate' | 'certificate' | 'trust_anchor' | 'any_signer';
  /** The signature's RFC 3161 timestamp, checked over the signature value (the TSA's chain is not judged). */
  timestamp: TimestampReport | null;
}
export interface TimestampReport {
  /** genTime, UNIX seconds. */
  time: number;
  /** The TSA certificate's subject. */
  tsa: string;
  tsa_fingerprint: string;
  serial_number: string;
}
export interface PolicyRecord {
  fingerprint: string;
  signer: string;
  max_window_secs: number | null;
  max_signings: number | null;
  max_request_ttl_secs: number;
  steps: { approvers: string[]; threshold: number }[];
}
export interface GrantReport {
  id: number;
  status: GrantStatus;
  grantee: string;
  signer: string;
  fingerprint: string;
  valid_from: number;
  valid_until: number | null;
  allowed_ops: number | null;
  used: number;
  remaining: number | null;
}
export interface RequestReport {
  id: number;
  status: RequestStatus;
  requester: string;
  signer: string;
  fingerprint: string;
  created_at: number;
  expires_at: number;
  valid_from: number;
  valid_until: number | null;
  allowed_ops: number | null;
  justification: string;
  current_step: number;
  steps: number;
  approvals: { step: number; by: string }[];
  rejection: { by: string; comment: string | null } | null;
  grant: GrantReport | null;
}

/**
 * An opened state directory (signet-host's State): the signer, its budget and
 * ledgers, grants, the acting user and the clock. Holds no ledger between calls.
 * `*Async` methods run on the libuv thread pool.
 */
export class State {
  private constructor();
  /** Whether the call that returned this State created the state directory. */
  readonly created: boolean;
  readonly dir: string;
  readonly user: string;
  /** The signing certificate's SHA-256, hex. */
  readonly fingerprint: string;
  readonly algorithm: SignatureAlgorithm;
  /** The signing certificate, DER. */
  readonly certificateDer: Buffer;
  /** Releases the state (the key with it). Throws `state_busy` while an async call is in flight; later calls throw `state_closed`. */
  close(): void;

  status(): Status;
  /** Signs a digest made with the state algorithm's hash. */
  signDigest(digest: Input, options?: SignOptions): SignedDigest;
  signDigestAsync(digest: Input, options?: SignOptions): Promise<SignedDigest>;
  /** Signs a file: a detached CMS signature (`FILE.p7s`). */
  signFile(file: string, options?: SignFileOptions): SignedFile;
  signFileAsync(file: string, options?: SignFileOptions): Promise<SignedFile>;
  /** Signs files, all or nothing. */
  signFiles(files: string[], options?: SignFilesOptions): SignedBatch;
  signFilesAsync(files: string[], options?: SignFilesOptions): Promise<SignedBatch>;
  /** Verifies a file and who signed it (default: the state's certificate). */
  verifyFile(file: string, options?: VerifyOptions): Verified;
  verifyFileAsync(file: string, options?: VerifyOptions): Promise<Verified>;

  /** Every certificate with a budget here (hex). */
  budgetFingerprints(): string[];
  budgetShow(options?: Which): BudgetReport;
  /** Creates the budget of a certificate (PEM or DER). */
  budgetInit(certificate: Input, options: BudgetInitOptions): BudgetReport;
  /** Buys signatures as the acting user. */
  budgetBuy(options: { signatures: number } & ActingAs & Which): BudgetReport;
  /** Records the certificate's revocation. */
  budgetRevoke(options?: Which): BudgetReport;
  /** Assigns the certificate to another signer (KeyLocker lead only). */
  budgetAssign(options: { signer: string; keylockerLead?: boolean } & ActingAs & Which): BudgetReport;
  /** Counts signatures made elsewhere by the acting user, all or nothing. Default count 1. */
  budgetUse(options?: { count?: number } & Which): BudgetReport;

  /** Binds a signer policy: every signature then needs a grant. */
  grantPolicy(options: PolicyOptions): PolicyRecord;
  grantPolicyOf(options?: Which): PolicyRecord | null;
  /** Opens a signing request as the acting user. */
  grantRequest(options?: RequestOptions): RequestReport;
  grantApprove(id: number): RequestReport;
  grantReject(id: number, options?: { comment?: string }): RequestReport;
  grantCancel(id: number): RequestReport;
  grantShow(id: number): RequestReport;
  grantList(): RequestReport[];
}

export interface Actor {
  id: string;
  role: Role;
  subaccount?: boolean;
  keylockerLead?: boolean;
}

/** A certificate fingerprint: 32 bytes, or 64 hex digits (`:` separators allowed). */
export type Fingerprint = Buffer | Uint8Array | string;

export interface BudgetOptions {
  fingerprint: Fingerprint;
  notBefore: Time;
  notAfter: Time;
  signer: string;
  /** Default 1000. */
  allotment?: number;
}

/** The signature budget of one certificate, in memory (rules only; a state keeps and counts budgets). */
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
  /** Buys more signatures; returns the new total. */
  buy(options: { by: Actor; fingerprint: Fingerprint; count: number; now?: Time }): number;
  revoke(fingerprint: Fingerprint): void;
  assignSigner(options: { by: Actor; fingerprint: Fingerprint; signer: string }): void;
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

/** Converts an error from the native layer into its SignetError subclass. */
export function toSignetError(e: unknown): SignetError;
