import type { Argv } from "yargs";
import { OTHER_NAME_FIELD } from "../trust/decide.js";

/** The flags that say what Elasticsearch's trust restrictions are, shared by `check` and `probe`. */
export function trustRestrictionOptions(yargs: Argv): Argv {
  return yargs
    .option("restrictions", { type: "string", demandOption: true, requiresArg: true, describe: "The trust_restrictions file (.yml, .yaml or .json)" })
    .option("fields", {
      type: "string",
      requiresArg: true,
      default: OTHER_NAME_FIELD,
      describe: "Comma list of subjectAltName.otherName.commonName and/or subjectAltName.dnsName (trust_restrictions.x509_fields)",
    })
    .option("as", {
      choices: ["client", "server", "both"] as const,
      default: "both",
      requiresArg: true,
      // A transport node is TLS client and TLS server to its peers: its certificate must pass both.
      describe: "Check the chain as Elasticsearch's JDK trust manager does for a TLS client (checkClientTrusted), server (checkServerTrusted) or both (a transport node's certificate is presented both ways)",
    });
}
