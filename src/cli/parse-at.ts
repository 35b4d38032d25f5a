import { OthernameError } from "../errors.js";

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** `--at`: an ISO-8601 date or date and time; anything else (or a day the month lacks) is a usage error. */
export function parseAt(text: string): Date {
  const time = ISO_8601.test(text) ? Date.parse(text) : NaN;
  // Date.parse rolls 2030-02-31 over into March: refuse days the month does not have.
  const [year, month, day] = text.slice(0, 10).split("-").map(Number) as [number, number, number];
  const realDay = month >= 1 && month <= 12 && new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
  if (Number.isNaN(time) || !realDay) {
    throw new OthernameError("USAGE_AT", `invalid --at ${JSON.stringify(text)}: not an ISO-8601 date and time`, {
      kind: "usage",
      hint: "Write it like 2030-01-01T00:00:00Z (or 2030-01-01).",
    });
  }
  return new Date(time);
}
