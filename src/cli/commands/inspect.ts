import { defineCommand } from "../command.js";
import { ExitCode, OthernameError } from "../../errors.js";

// Replaced by the real inspect command (PEM/DER/PKCS#12 reader) in this same change.
export default defineCommand<{ files: string[] }>({
  command: "inspect <files..>",
  describe: "Show certificates, keys and names in PEM, DER or PKCS#12 files",
  builder: (y) => y.positional("files", { type: "string", array: true }),
  run: async () => {
    throw new OthernameError("NOT_IMPLEMENTED", "inspect: not implemented yet", { kind: "internal" });
    return ExitCode.ok;
  },
});
