import { OthernameError } from "../../errors.js";

/**
 * Codes readPrivateKey throws. Inner functions throw them with the reason only; readPrivateKey
 * puts `cannot read private key <source>:` in front.
 */
export type KeyErrorCode =
  | "KEY_PASSWORD_REQUIRED"
  | "KEY_WRONG_PASSWORD"
  | "KEY_MALFORMED"
  | "KEY_UNSUPPORTED_ALGORITHM"
  | "KEY_ITERATIONS_TOO_HIGH"
  | "NOT_A_KEY";

export function keyError(code: KeyErrorCode, reason: string, hint: string, cause?: unknown): OthernameError {
  return new OthernameError(code, reason, { hint, cause });
}

export function malformedKey(reason: string, cause?: unknown): OthernameError {
  return keyError("KEY_MALFORMED", reason, "The key file is damaged or truncated; export the key again from its source.", cause);
}

export function wrongPassword(cipher: string): OthernameError {
  return keyError(
    "KEY_WRONG_PASSWORD",
    `the password does not decrypt the key (${cipher})`,
    "Check the password (a --pass-file is read up to its first line break).",
  );
}

export function passwordRequired(cipher: string): OthernameError {
  return keyError(
    "KEY_PASSWORD_REQUIRED",
    `the key is encrypted (${cipher}) and no password was given`,
    "Give the key's password with --pass-file FILE or --pass-env VAR (or answer the prompt).",
  );
}

export const reencryptHint =
  "Re-encrypt the key with a supported scheme: `openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out NEW.key`.";
