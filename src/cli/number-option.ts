import { OthernameError } from "../errors.js";

/**
 * A whole-number flag (`--days`, `--jobs`) checked once, with a message a user can act on:
 * yargs turns `--days abc` into NaN, which must read "not a number", never `"NaN"`.
 */
export function wholeNumberOption(flag: string, value: number, range: { readonly min: number; readonly max: number; readonly unit?: string; readonly command: string }): number {
  const what = `a whole number${range.unit ? ` of ${range.unit}` : ""} from ${range.min} to ${range.max}`;
  if (Number.isNaN(value)) throw invalidNumber(flag, `not a number (give ${what})`, range.command);
  if (!Number.isInteger(value) || value < range.min || value > range.max) throw invalidNumber(flag, `${value} is not ${what}`, range.command);
  return value;
}

function invalidNumber(flag: string, reason: string, command: string): OthernameError {
  return new OthernameError("USAGE", `invalid value for ${flag}: ${reason}`, { kind: "usage", hint: `See othername ${command} --help.` });
}
