// Error classes thrown by the Signet WASM bindings: one per domain of the table of codes
// (signet_core::codes), the same classes as the Node package (bindings-node/errors.js) and
// Python, so a code is the same class everywhere. Defined in JS so they are real `Error`
// subclasses (stack traces, `instanceof`); the Rust side calls `errorFor` with the code's domain
// from the table, and the generated module re-exports the classes.

/** Base class of every error the bindings throw; `code` is a stable snake_case identifier. */
export class SignetError extends Error {
  constructor(code, message) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The request itself is malformed: input type, options, product, device, date. */
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
/** The bindings' API was misused. */
export class UsageError extends SignetError {}

/** `signet_core::codes::Domain` names → classes. */
export const CLASS_BY_DOMAIN = Object.freeze({
  invalid_request: InvalidRequestError,
  key_policy: KeyPolicyError,
  budget: BudgetError,
  grant: GrantError,
  counter: CounterError,
  token: TokenError,
  sign: SignError,
  verification: VerificationError,
  state: StateError,
  usage: UsageError,
});

/** The error of `domain` (a table domain name) with `code` and `message`. */
export function errorFor(domain, code, message) {
  const Cls = CLASS_BY_DOMAIN[domain] ?? UsageError;
  const e = new Cls(code, message);
  e.domain = domain in CLASS_BY_DOMAIN ? domain : "usage";
  return e;
}
