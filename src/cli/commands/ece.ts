import type { Argv } from "yargs";
import { defineCommand } from "../command.js";
import { subcommandOf, type EceArgs } from "./ece/args.js";

/**
 * `othername ece trust show|add|remove` and `othername ece ca` (CLI.md). Each subcommand is a
 * yargs command of its own (so `ece trust add --help` shows its usage, options and examples);
 * their handlers do nothing and main() runs `run` with the parsed arguments, so every form goes
 * through the same dispatcher and exit code.
 */
const CONNECTION_NOTE =
  "Connection: --url or ECE_URL; ECE_API_KEY (sent as `Authorization: ApiKey …`), or --user with ECE_PASSWORD; --api-ca FILE for an API certificate signed by a private CA; --timeout 30s (a bare number is seconds); --debug logs each request (credentials redacted).";
const CHANGE_NOTE =
  "Every change shows its diff first; --dry-run asks ECE to validate it (validate_only) and changes nothing; --yes skips the prompt. Existing account, external and direct trusts are always kept: ECE replaces the trust settings wholesale.";

const noop = (): void => undefined;

function connectionOptions(y: Argv): Argv {
  return y
    .option("deployment", { type: "string", describe: "Deployment id", requiresArg: true, group: "Connection:" })
    .option("ref-id", { type: "string", describe: "Elasticsearch resource ref_id, when the deployment has several", requiresArg: true, group: "Connection:" })
    .option("url", { type: "string", describe: "ECE API URL, e.g. https://coordinator:12443 (default: env ECE_URL)", requiresArg: true, group: "Connection:" })
    .option("user", { type: "string", describe: "User for HTTP Basic auth; password from env ECE_PASSWORD (default: API key from env ECE_API_KEY)", requiresArg: true, group: "Connection:" })
    .option("api-ca", { type: "string", describe: "PEM CA certificate(s) that signed the ECE API's TLS certificate", requiresArg: true, group: "Connection:" })
    .option("insecure", { type: "boolean", describe: "Do not verify the API's TLS certificate (dangerous; prefer --api-ca)", group: "Connection:" })
    .option("timeout", { type: "string", describe: "Wait this long for each API response: seconds (30, 30s) or milliseconds (500ms); default 30s", requiresArg: true, group: "Connection:" })
    .option("json", { type: "boolean", describe: "One JSON document on stdout" });
}

function changeOptions(y: Argv): Argv {
  return y
    .option("dry-run", { type: "boolean", describe: "Show the change and have ECE validate it; change nothing" })
    .option("yes", { type: "boolean", alias: "y", describe: "Apply without asking" });
}

const trustShow = (y: Argv): Argv =>
  connectionOptions(y)
    .usage("$0 ece trust show --deployment ID [--json]\n\nList the deployment's account, external and direct trust relationships.\n\n" + CONNECTION_NOTE)
    .example("$0 ece trust show --deployment 3a5f… --url https://ece:12443 --api-ca ece-ca.pem", "List the deployment's account, external and direct trusts");

const trustAdd = (y: Argv): Argv =>
  changeOptions(connectionOptions(y))
    .usage(
      "$0 ece trust add --deployment ID --name NAME --ca CA.pem (--node-name N... | --from-bundle PATH | --scope S [--cluster C... | --trust-all]) [--dry-run] [--yes] [--json]\n\n" +
        "Add (or update, same --name) one direct trust: the deployment then trusts the self-managed nodes signed by --ca and named as given.\n\n" +
        CHANGE_NOTE + "\n\n" + CONNECTION_NOTE,
    )
    .option("name", { type: "string", describe: "Name of the direct trust entry", requiresArg: true })
    .option("ca", { type: "string", describe: "PEM CA certificate(s) of the self-managed cluster", requiresArg: true })
    .option("node-name", { type: "string", array: true, describe: "Exact node name(s) to trust, e.g. node1.node.abc.cluster.s1.account", requiresArg: true, group: "Whom to trust:" })
    .option("from-bundle", { type: "string", describe: "Take node names from a bundle (directory, .zip or .p12) made by othername cert", requiresArg: true, group: "Whom to trust:" })
    .option("pass-file", { type: "string", describe: "Password of the PKCS#12 files in --from-bundle, first line of FILE", requiresArg: true, group: "Whom to trust:" })
    .option("pass-env", { type: "string", describe: "Password of the PKCS#12 files in --from-bundle, from environment variable VAR", requiresArg: true, group: "Whom to trust:" })
    .option("scope", { type: "string", describe: "Scope id (lowercase alphanumeric) of the trusted clusters", requiresArg: true, group: "Whom to trust:" })
    .option("cluster", { type: "string", array: true, describe: "Cluster id(s) trusted within --scope", requiresArg: true, group: "Whom to trust:" })
    .option("trust-all", { type: "boolean", describe: "Trust every cluster of --scope", group: "Whom to trust:" })
    .example("$0 ece trust add --deployment 3a5f… --name onprem --ca ca/ca.crt --from-bundle certs.zip --dry-run", "Show and validate trusting every node of a bundle")
    .example("$0 ece trust add --deployment 3a5f… --name onprem --ca ca/ca.crt --node-name node1.node.abc.cluster.s1.account --yes", "Trust one node by name")
    .example("$0 ece trust add --deployment 3a5f… --name onprem --ca ca/ca.crt --scope s1 --cluster abc", "Trust cluster abc of scope s1");

const trustRemove = (y: Argv): Argv =>
  changeOptions(connectionOptions(y))
    .usage("$0 ece trust remove --deployment ID --name NAME [--dry-run] [--yes]\n\nRemove one direct trust by name, keeping every other trust.\n\n" + CHANGE_NOTE + "\n\n" + CONNECTION_NOTE)
    .option("name", { type: "string", describe: "Name of the direct trust entry to remove", requiresArg: true })
    .example("$0 ece trust remove --deployment 3a5f… --name onprem", "Remove one direct trust, keeping all others")
    .example("$0 ece trust remove --deployment 3a5f… --name onprem --dry-run", "Show what would be removed");

const ca = (y: Argv): Argv =>
  connectionOptions(y)
    .usage(
      "$0 ece ca --deployment ID --out DIR [--also-trust PATTERN...] [--force]\n\n" +
        "Write the deployment's CA certificate(s) (ece-ca.crt) and a trust_restrictions.yml built from its recommended trust restriction, for the self-managed side.\n\n" +
        CONNECTION_NOTE,
    )
    .option("out", { type: "string", describe: "Directory for ece-ca.crt and trust_restrictions.yml", requiresArg: true })
    .option("also-trust", { type: "string", array: true, describe: "Extra trust pattern(s), e.g. your own nodes' *.node.<cluster>.cluster.<scope>", requiresArg: true })
    .option("force", { type: "boolean", describe: "Replace existing files in --out" })
    .example("$0 ece ca --deployment 3a5f… --out ece-trust --also-trust '*.node.abc.cluster.s1.account'", "Write the deployment's CA and a trust_restrictions.yml");

export default defineCommand<EceArgs>({
  command: "ece",
  describe: "Push trust into Elastic Cloud Enterprise: ece trust show|add|remove, ece ca",
  builder: (y) =>
    y
      .usage("$0 ece <trust show|trust add|trust remove|ca> [options]\n\n" + CONNECTION_NOTE + "\n\n" + CHANGE_NOTE)
      .command("trust", "The deployment's trust settings: show, add or remove a direct trust", (t) =>
        t
          .usage("$0 ece trust <show|add|remove> [options]")
          .command("show", "List the deployment's trust relationships", trustShow, noop)
          .command("add", "Add or update one direct trust (self-managed nodes by name, bundle or scope)", trustAdd, noop)
          .command("remove", "Remove one direct trust by name", trustRemove, noop)
          .demandCommand(1, "Name an action: othername ece trust show|add|remove (each has --help)."),
      )
      .command("ca", "Write the deployment's CA and a trust_restrictions.yml for the self-managed side", ca, noop)
      .demandCommand(1, "Name a subcommand: othername ece trust show|add|remove, or othername ece ca (each has --help).")
      .example("$0 ece trust show --deployment 3a5f… --url https://ece:12443 --api-ca ece-ca.pem", "List the deployment's trusts")
      .example("$0 ece trust add --help", "Usage, options and examples of one subcommand"),
  run: async (args, ctx) => {
    const sub = subcommandOf(args);
    switch (sub) {
      case "trust show":
        return (await import("./ece/trust-show.js")).trustShow(args, ctx);
      case "trust add":
        return (await import("./ece/trust-change.js")).trustAdd(args, ctx);
      case "trust remove":
        return (await import("./ece/trust-change.js")).trustRemove(args, ctx);
      case "ca":
        return (await import("./ece/ca.js")).eceCa(args, ctx);
    }
  },
});

/** Each subcommand's own options, for the hint on an unknown flag ("--name is an option of othername ece trust add"). */
export const subcommands: Readonly<Record<string, (y: Argv) => Argv>> = {
  "ece trust show": trustShow,
  "ece trust add": trustAdd,
  "ece trust remove": trustRemove,
  "ece ca": ca,
};
