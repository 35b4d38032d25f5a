import { EceClient, DEFAULT_TIMEOUT_MS, type EceAuth } from "../../../ece/client.js";
import { splitCaBundle } from "../../../ece/ca-pem.js";
import { OthernameError } from "../../../errors.js";
import { readFlagFile } from "../../../io/ece-files.js";
import { resolvePassword } from "../../../io/password.js";
import type { CommandContext } from "../../context.js";
import type { EceArgs } from "./args.js";
import { parseDurationOption } from "../../duration-option.js";

/**
 * Builds the ECE client from flags and environment (CLI.md): `--url` or ECE_URL; ECE_API_KEY,
 * or `--user` with ECE_PASSWORD; `--api-ca` for a private CA; `--insecure` only with a warning.
 */
export async function connect(args: EceArgs, ctx: CommandContext): Promise<EceClient> {
  // One unit with probe: a bare number is seconds; 10s, 500ms and 2m are accepted too.
  const timeoutMs = args.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDurationOption("--timeout", args.timeout, { maxMs: 3_600_000, command: "ece" });
  const url = args.url ?? ctx.io.env["ECE_URL"];
  if (url === undefined || url === "") {
    throw new OthernameError("ECE_NO_URL", "no ECE API address: give --url or set ECE_URL", {
      kind: "usage",
      hint: "E.g. --url https://coordinator:12443 (the ECE API, usually port 12443).",
    });
  }
  const auth = await credentials(args, ctx);
  if (args.insecure === true && args["api-ca"] !== undefined) {
    throw new OthernameError("USAGE", "--insecure and --api-ca exclude each other", {
      kind: "usage",
      hint: "Keep --api-ca: it verifies the API's certificate; --insecure turns verification off.",
    });
  }
  let ca: string | undefined;
  if (args["api-ca"] !== undefined) {
    const text = Buffer.from(await readFlagFile(args["api-ca"], "--api-ca", ctx.io.cwd)).toString("latin1");
    ca = splitCaBundle(text, `${args["api-ca"]} (--api-ca)`).join("");
  }
  if (args.insecure === true) {
    ctx.warn("--insecure: TLS certificate verification of the ECE API is OFF. Anyone on the network path can read your credentials and change this deployment's trust. Use --api-ca FILE instead.");
  }
  return new EceClient({
    url,
    auth,
    ca,
    insecure: args.insecure === true,
    timeoutMs,
    log: ctx.debug ? (line) => ctx.note(`ece: ${line}`) : undefined,
  });
}

async function credentials(args: EceArgs, ctx: CommandContext): Promise<EceAuth> {
  const env = ctx.io.env;
  if (args.user !== undefined) {
    let password = env["ECE_PASSWORD"];
    if (password === undefined) password = await resolvePassword({ prompt: `ECE password for ${args.user}: ` }, ctx.io);
    if (password === undefined) {
      throw new OthernameError("ECE_NO_PASSWORD", `no password for ECE user ${args.user} (--user): ECE_PASSWORD is not set`, {
        kind: "usage",
        hint: "Export ECE_PASSWORD, or use an API key in ECE_API_KEY instead of --user.",
      });
    }
    return { kind: "basic", user: args.user, password };
  }
  const apiKey = env["ECE_API_KEY"];
  if (apiKey === undefined || apiKey === "") {
    throw new OthernameError("ECE_NO_CREDENTIALS", "no ECE credentials: set ECE_API_KEY, or give --user with ECE_PASSWORD", {
      kind: "usage",
      hint: "Create an API key in the ECE console (Settings → API keys) and export it as ECE_API_KEY.",
    });
  }
  return { kind: "apiKey", apiKey };
}
