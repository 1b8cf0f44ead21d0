// Error classes thrown by the Signet WASM bindings. Defined in JS so they are real `Error`
// subclasses (stack traces, `instanceof`); the Rust side constructs them and the generated
// module re-exports them (`import { SignetError } from "./signet_wasm.js"`).

/** Base class of every error the bindings throw; `code` is a stable snake_case identifier. */
export class SignetError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "SignetError";
    this.code = code;
  }
}

/** The request itself is unusable: bad input type, unknown option, unknown product, bad date. */
export class InvalidRequestError extends SignetError {
  constructor(code, message) {
    super(code, message);
    this.name = "InvalidRequestError";
  }
}
