// Declarations of what the Node package (`signet`) and the browser package (bindings-wasm)
// both offer: the checks, their options and reports, and the error classes. Written once
// here: bindings-node/index.d.ts re-exports it (js/copy.js copies it in as shared.d.ts) and
// bindings-wasm/src/lib.rs includes it in the generated signet_wasm.d.ts.

/** Text (UTF-8: JSON, PEM) or raw bytes (JSON, PEM or DER). A Node `Buffer` is a `Uint8Array`. */
export type Input = string | Uint8Array;
/** A day: `YYYY-MM-DD` (UTC) or a `Date` (its UTC day). */
export type Day = string | Date;

/** Products an order can be validated for. */
export type Product = 'code_signing' | 'code_signing_ev';
/** Key-storage device profiles (`device` option). */
export type DeviceProfile = 'etoken-5110-cc' | 'etoken-5110-fips' | 'etoken-5110' | 'hsm' | 'keylocker';
export type Severity = 'error' | 'warning';

/** One problem found. Match on `code` (stable); `message` is for people and may change. */
export interface Finding {
  severity: Severity;
  /** Where: `organization.contacts[0].job_title`, `key`, `signature`, `validity`; `""` is the whole document. */
  path: string;
  code: string;
  message: string;
}

/** Every finding of one check, in document order. `valid` is false when any finding is an error. */
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
/** Give `device`, or `provisioningMethod` to use the device it implies; not both. */
export interface CheckCsrOptions {
  device?: DeviceProfile;
  /** An order's `cs_provisioning_method` (`email`, `keylocker`, `ship_token`, `client_app`). */
  provisioningMethod?: string;
  /** The day the key rules are evaluated on. Default: today (UTC). */
  at?: Day;
}
export interface CheckKeyOptions {
  device?: DeviceProfile;
  /** The day the key rules are evaluated on. Default: today (UTC). */
  at?: Day;
}
/** The options of `checkPublicKey` (the same as `CheckKeyOptions`). */
export type CheckSpkiOptions = CheckKeyOptions;
export interface CheckCertificateOptions {
  /** Checked for signing at midnight UTC of this day. Default: today (UTC). */
  at?: Day;
}

/**
 * Validates an order request body: JSON text or its UTF-8 bytes, or an object (serialised to
 * JSON first). A body that is not JSON is a finding, not an exception.
 */
export function validateOrder(body: Input | object, options?: ValidateOrderOptions): Report;
/** Checks a CSR (PEM or DER): parse, self-signature, key type and size on the day, for the device. */
export function checkCsr(input: Input, options?: CheckCsrOptions): Report;
/** Checks a certificate (PEM or DER) for signing: validity and the signing-time key rule. */
export function checkCertificate(input: Input, options?: CheckCertificateOptions): Report;
/** Checks a public key (`SubjectPublicKeyInfo`, PEM or DER) with the key rules. */
export function checkPublicKey(input: Input, options?: CheckKeyOptions): Report;
/** @deprecated The earlier name of {@link checkPublicKey}. */
export function checkSpki(input: Input, options?: CheckKeyOptions): Report;

/** Domains of the table of codes; each has its error class (`CLASS_BY_DOMAIN`). */
export type Domain =
  | 'invalid_request' | 'key_policy' | 'budget' | 'grant' | 'counter'
  | 'token' | 'sign' | 'verification' | 'state' | 'usage';

/** Base class of every error the packages throw. */
export class SignetError extends Error {
  constructor(code: string, message: string, fields?: Record<string, unknown>);
  /** Stable snake_case code: a row of the table of codes, the same in every surface. */
  readonly code: string;
  /** The code's domain; it decides the class. */
  readonly domain?: Domain;
  /** What to do about it (errors of the state), if anything. */
  readonly hint?: string;
  /** Context of the failure (e.g. `total`, `used`, `notAfter`, `status`). */
  readonly [field: string]: unknown;
}
/** The request is unusable (input type, options, product, device, date); nothing was checked. */
export class InvalidRequestError extends SignetError {}
/** The key policy refuses a key, CSR or certificate. */
export class KeyPolicyError extends SignetError {}
/** A budget rule refused. */
export class BudgetError extends SignetError {}
/** A signer policy, signing request or grant rule refused. */
export class GrantError extends SignetError {}
/** A signature counter (ledger) failed or is exhausted. */
export class CounterError extends SignetError {}
/** The token refused or failed. */
export class TokenError extends SignetError {}
/** The enforced sign path refused. */
export class SignError extends SignetError {}
/** A signature did not verify, or not from the expected signer. */
export class VerificationError extends SignetError {}
/** The state directory is missing, damaged or not writable. */
export class StateError extends SignetError {}
/** The packages' API was misused. */
export class UsageError extends SignetError {}
/** The class of each domain. */
export const CLASS_BY_DOMAIN: Readonly<Record<Domain, typeof SignetError>>;
