import { OthernameError } from "../../errors.js";
import { defineCommand } from "../command.js";
import { keyOptions } from "../key-options.js";
import type { RotateArgs } from "./rotate/args.js";

/**
 * `othername rotate plan|check`: replace a cluster's CA without cutting a connection. `plan` writes
 * the three phases (trust both, new node certificates, drop the old CA) as a directory; `check`
 * replays every step of it, the mixed states of each rolling restart included, through the mesh,
 * and `check --apply-ece PHASE` then applies that phase's ECE trust change.
 */
const PLAN_FLAGS = ["old-ca", "new-ca", "new-ca-cert", "new-ca-key", "ca-pass-file", "ca-pass-env", "ca-dn", "ca-days", "key", "keysize", "bundle", "extra-ca", "restrictions", "fields", "ece-deployment", "days", "out", "force", "pass-file", "pass-env", "password", "cluster"] as const;
const CHECK_FLAGS = ["apply-ece", "dry-run", "yes", "at"] as const;

export default defineCommand<RotateArgs>({
  command: "rotate <action> [plan]",
  describe: "Replace a cluster's CA without downtime: rotate plan writes the phases, rotate check verifies every step",
  builder: (y) =>
    keyOptions(y)
      .positional("action", { choices: ["plan", "check"] as const, describe: "plan: write the rotation plan; check: verify every step of one" })
      .positional("plan", { type: "string", describe: "check: the plan directory (or its plan.json)" })
      .option("old-ca", { type: "string", requiresArg: true, describe: "The CA being replaced: its certificate (PEM, DER or PKCS#12)", group: "plan:" })
      .option("new-ca", { type: "string", requiresArg: true, describe: "The new CA as a PKCS#12 keystore with its key (default: generate one)", group: "plan:" })
      .option("new-ca-cert", { type: "string", requiresArg: true, describe: "The new CA's certificate (with --new-ca-key)", group: "plan:" })
      .option("new-ca-key", { type: "string", requiresArg: true, describe: "The new CA's private key (with --new-ca-cert)", group: "plan:" })
      .option("ca-pass-file", { type: "string", requiresArg: true, describe: "Password of the CA files, first line of FILE", group: "plan:" })
      .option("ca-pass-env", { type: "string", requiresArg: true, describe: "Password of the CA files, from environment variable VAR", group: "plan:" })
      .option("ca-dn", { type: "string", requiresArg: true, describe: "Without --new-ca: subject DN of the generated CA", group: "plan:" })
      .option("ca-days", { type: "number", requiresArg: true, default: 1095, describe: "Without --new-ca: validity of the generated CA in days", group: "plan:" })
      .option("bundle", { type: "string", array: true, requiresArg: true, describe: "The cluster's node certificates: directories, .zip bundles, PKCS#12 or PEM files (repeat)", group: "plan:" })
      .option("extra-ca", { type: "string", array: true, requiresArg: true, describe: "Other CA certificates the nodes keep trusting, e.g. ece/ece-ca.crt (repeat)", group: "plan:" })
      .option("restrictions", { type: "string", requiresArg: true, describe: "The nodes' trust_restrictions file, when they have one", group: "plan:" })
      .option("fields", { type: "string", requiresArg: true, describe: "The nodes' trust_restrictions.x509_fields (comma list)", group: "plan:" })
      .option("cluster", { type: "string", requiresArg: true, describe: "A name for the cluster in the plan (default: cluster)", group: "plan:" })
      .option("ece-deployment", { type: "string", array: true, requiresArg: true, describe: "ECE deployment(s) whose direct trust holds the old CA (connection as in othername ece)", group: "plan:" })
      .option("days", { type: "number", requiresArg: true, default: 1095, describe: "Validity of the new node certificates in days", group: "plan:" })
      .option("out", { type: "string", requiresArg: true, describe: "The plan directory to write", group: "plan:" })
      .option("force", { type: "boolean", describe: "Replace files of an existing plan directory", group: "plan:" })
      .option("pass-file", { type: "string", requiresArg: true, describe: "Password of PKCS#12 bundles, also encrypting the written keys", group: "plan:" })
      .option("pass-env", { type: "string", requiresArg: true, describe: "Same, from environment variable VAR", group: "plan:" })
      .option("password", { type: "boolean", describe: "--no-password: write the generated CA's key unencrypted on purpose", group: "plan:" })
      .option("at", { type: "string", requiresArg: true, describe: "Decide at this ISO-8601 time instead of now", group: "check:" })
      .option("apply-ece", { type: "number", requiresArg: true, describe: "After a passing check, apply this phase's ECE trust change (diff and confirmation first)", group: "check:" })
      .option("dry-run", { type: "boolean", describe: "With --apply-ece: show the change, have ECE validate it, change nothing", group: "check:" })
      .option("yes", { type: "boolean", alias: "y", describe: "With --apply-ece: apply without asking", group: "check:" })
      .option("url", { type: "string", requiresArg: true, describe: "ECE API URL (or env ECE_URL); auth from ECE_API_KEY, or --user with ECE_PASSWORD", group: "ECE:" })
      .option("user", { type: "string", requiresArg: true, describe: "ECE user (password from ECE_PASSWORD)", group: "ECE:" })
      .option("api-ca", { type: "string", requiresArg: true, describe: "CA of the ECE API's own TLS certificate", group: "ECE:" })
      .option("insecure", { type: "boolean", describe: "Do not verify the ECE API's certificate (warns)", group: "ECE:" })
      .option("timeout", { type: "string", requiresArg: true, describe: "Wait this long for each ECE API response (default 30s)", group: "ECE:" })
      .option("json", { type: "boolean", default: false, describe: "Print one JSON document" })
      .epilogue(
        [
          "Phases: 1 every node and ECE trust the old and the new CA; 2 every node gets its certificate from the new CA (same names); 3 the old CA is dropped from every node and from ECE. Nodes restart one at a time in each phase.",
          "",
          "rotate check exits 0 when every pair that must stay connected (every two nodes, and each node with each ECE deployment it connects to today) does at every step, 1 naming the step, the pair and the reason when not.",
        ].join("\n"),
      )
      .example("$0 rotate plan --old-ca ca/ca.crt --new-ca new-ca.p12 --bundle certs --out rotation", "Plan a rotation to a given CA")
      .example("$0 rotate plan --old-ca ca/ca.crt --ca-dn 'CN=Prod CA 2027' --key ec:p256 --no-password --bundle certs --ece-deployment a1b2c3d4e5f6 --out rotation", "Generate the new CA too, and rotate the ECE trust")
      .example("$0 rotate check rotation", "The phase × step table; exit 1 if any step cuts a connection")
      .example("$0 rotate check rotation --apply-ece 1", "Check, then apply phase 1's ECE trust change"),
  run: async (args, ctx) => {
    const given = (flags: readonly string[]) => flags.filter((f) => (args as unknown as Record<string, unknown>)[f] !== undefined && !(f === "ca-days" || f === "days"));
    if (args.action === "plan") {
      const wrong = given(CHECK_FLAGS);
      if (wrong.length > 0 || args.plan !== undefined) throw usage(`${wrong.length > 0 ? wrong.map((f) => `--${f}`).join(", ") : `the argument ${args.plan ?? ""}`} belong${wrong.length === 1 ? "s" : ""} to rotate check, not rotate plan`);
      return (await import("./rotate/plan.js")).rotatePlan(args, ctx);
    }
    const wrong = given(PLAN_FLAGS);
    if (wrong.length > 0) throw usage(`${wrong.map((f) => `--${f}`).join(", ")} belong${wrong.length === 1 ? "s" : ""} to rotate plan, not rotate check`);
    return (await import("./rotate/check.js")).rotateCheck(args, ctx);
  },
});

function usage(message: string): OthernameError {
  return new OthernameError("USAGE", message, { kind: "usage", hint: "See othername rotate --help." });
}
