import { defineCommand } from "../command.js";
import { subcommandOf, type EceArgs } from "./ece/args.js";

/**
 * `othername ece trust show|add|remove` and `othername ece ca` (CLI.md). One yargs command with
 * `<topic> [action]` positionals, so every form runs through the same handler and exit code.
 */
export default defineCommand<EceArgs>({
  command: "ece <topic> [action]",
  describe: "Push trust into Elastic Cloud Enterprise: ece trust show|add|remove, ece ca",
  builder: (y) =>
    y
      .usage(
        [
          "$0 ece trust show   --deployment ID [--json]",
          "$0 ece trust add    --deployment ID --name NAME --ca CA.pem (--node-name N... | --from-bundle PATH | --scope S [--cluster C... | --trust-all]) [--dry-run] [--yes] [--json]",
          "$0 ece trust remove --deployment ID --name NAME [--dry-run] [--yes]",
          "$0 ece ca           --deployment ID --out DIR [--also-trust PATTERN...] [--force]",
          "",
          "Connection: --url or ECE_URL; ECE_API_KEY (sent as `Authorization: ApiKey …`), or --user with ECE_PASSWORD; --api-ca FILE for an API certificate signed by a private CA; --debug logs each request (credentials redacted).",
          "",
          "Every change shows its diff first; --dry-run asks ECE to validate it (validate_only) and changes nothing; --yes skips the prompt. Existing account, external and direct trusts are always kept: ECE replaces the trust settings wholesale.",
        ].join("\n"),
      )
      .positional("topic", { type: "string", choices: ["trust", "ca"], describe: "trust: the deployment's trust settings; ca: its CA for the self-managed side" })
      .positional("action", { type: "string", choices: ["show", "add", "remove"], describe: "for trust: show, add or remove" })
      .option("deployment", { type: "string", describe: "Deployment id", requiresArg: true, group: "Connection:" })
      .option("ref-id", { type: "string", describe: "Elasticsearch resource ref_id, when the deployment has several", requiresArg: true, group: "Connection:" })
      .option("url", { type: "string", describe: "ECE API URL, e.g. https://coordinator:12443 (default: env ECE_URL)", requiresArg: true, group: "Connection:" })
      .option("user", { type: "string", describe: "User for HTTP Basic auth; password from env ECE_PASSWORD (default: API key from env ECE_API_KEY)", requiresArg: true, group: "Connection:" })
      .option("api-ca", { type: "string", describe: "PEM CA certificate(s) that signed the ECE API's TLS certificate", requiresArg: true, group: "Connection:" })
      .option("insecure", { type: "boolean", describe: "Do not verify the API's TLS certificate (dangerous; prefer --api-ca)", group: "Connection:" })
      .option("timeout", { type: "number", describe: "Seconds to wait for each API response (default 30)", requiresArg: true, group: "Connection:" })
      .option("json", { type: "boolean", describe: "One JSON document on stdout" })
      .option("name", { type: "string", describe: "Name of the direct trust entry (trust add/remove)", requiresArg: true, group: "trust add / remove:" })
      .option("ca", { type: "string", describe: "PEM CA certificate(s) of the self-managed cluster (trust add)", requiresArg: true, group: "trust add / remove:" })
      .option("node-name", { type: "string", array: true, describe: "Exact node name(s) to trust, e.g. node1.node.abc.cluster.s1.account", requiresArg: true, group: "trust add / remove:" })
      .option("from-bundle", { type: "string", describe: "Take node names from a bundle (directory or .zip) made by othername cert", requiresArg: true, group: "trust add / remove:" })
      .option("pass-file", { type: "string", describe: "Password of the PKCS#12 files in --from-bundle, first line of FILE", requiresArg: true, group: "trust add / remove:" })
      .option("pass-env", { type: "string", describe: "Password of the PKCS#12 files in --from-bundle, from environment variable VAR", requiresArg: true, group: "trust add / remove:" })
      .option("scope", { type: "string", describe: "Scope id (lowercase alphanumeric) of the trusted clusters", requiresArg: true, group: "trust add / remove:" })
      .option("cluster", { type: "string", array: true, describe: "Cluster id(s) trusted within --scope", requiresArg: true, group: "trust add / remove:" })
      .option("trust-all", { type: "boolean", describe: "Trust every cluster of --scope", group: "trust add / remove:" })
      .option("dry-run", { type: "boolean", describe: "Show the change and have ECE validate it; change nothing", group: "trust add / remove:" })
      .option("yes", { type: "boolean", alias: "y", describe: "Apply without asking", group: "trust add / remove:" })
      .option("out", { type: "string", describe: "Directory for ece-ca.crt and trust_restrictions.yml (ece ca)", requiresArg: true, group: "ca:" })
      .option("also-trust", { type: "string", array: true, describe: "Extra trust pattern(s), e.g. your own nodes' *.node.<cluster>.cluster.<scope>", requiresArg: true, group: "ca:" })
      .option("force", { type: "boolean", describe: "Replace existing files in --out", group: "ca:" })
      .example("$0 ece trust show --deployment 3a5f… --url https://ece:12443 --api-ca ece-ca.pem", "List the deployment's account, external and direct trusts")
      .example("$0 ece trust add --deployment 3a5f… --name onprem --ca ca/ca.crt --from-bundle certs.zip --dry-run", "Show and validate trusting every node of a bundle")
      .example("$0 ece trust add --deployment 3a5f… --name onprem --ca ca/ca.crt --node-name node1.node.abc.cluster.s1.account --yes", "Trust one node by name")
      .example("$0 ece trust add --deployment 3a5f… --name onprem --ca ca/ca.crt --scope s1 --cluster abc", "Trust cluster abc of scope s1")
      .example("$0 ece trust remove --deployment 3a5f… --name onprem", "Remove one direct trust, keeping all others")
      .example("$0 ece ca --deployment 3a5f… --out ece-trust --also-trust '*.node.abc.cluster.s1.account'", "Write the deployment's CA and a trust_restrictions.yml"),
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
