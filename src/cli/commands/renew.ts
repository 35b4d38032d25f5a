import { resolve } from "node:path";
import { ExitCode, OthernameError } from "../../errors.js";
import { defineCommand } from "../command.js";
import type { CommandContext } from "../context.js";
import { keyOptions, keyText } from "../key-options.js";
import { wholeNumberOption } from "../number-option.js";
import { passwordOptions, warnPassOnCommandLine } from "../password-options.js";
import { escapeField } from "../terminal-text.js";

/**
 * `othername renew`: reissue every node certificate of a bundle (directory, .zip, PKCS#12 files,
 * PEM pairs) with the same subject and names, a new validity and a new key (or the same one), in
 * the same files and forms; staged and published as `cert` publishes.
 */
interface RenewArgs {
  readonly bundle: readonly string[];
  readonly ca?: string;
  readonly caCert?: string;
  readonly caKey?: string;
  readonly caPass?: string;
  readonly caPassFile?: string;
  readonly caPassEnv?: string;
  readonly out: string;
  readonly days: number;
  readonly key?: string;
  readonly keysize?: number;
  readonly reuseKey?: boolean;
  readonly reissuer?: boolean;
  readonly passFile?: string;
  readonly passEnv?: string;
  readonly pass?: string;
  readonly outPassFile?: string;
  readonly outPassEnv?: string;
  readonly force?: boolean;
  readonly json?: boolean;
  readonly dryRun?: boolean;
  readonly quiet?: boolean;
}

export default defineCommand<RenewArgs>({
  command: "renew <bundle..>",
  describe: "Reissue the node certificates of a bundle: same names and files, new validity and key",
  builder: (y) =>
    keyOptions(
      passwordOptions(
        passwordOptions(passwordOptions(y, { purpose: "Password of the bundle's .p12 files and keys (also protects the new ones)" }), { prefix: "out-", purpose: "A different password for the new .p12 files and keys" }),
        { prefix: "ca-", value: true, purpose: "Password of the CA keystore or key" },
      ),
    )
      .positional("bundle", { type: "string", array: true, describe: "A directory or .zip written by `othername cert`, or node files: .p12, .crt (its .key beside it)" })
      .option("ca", { type: "string", describe: "CA keystore (PKCS#12) holding the CA certificate and key", requiresArg: true })
      .option("ca-cert", { type: "string", describe: "CA certificate (PEM or DER)", requiresArg: true })
      .option("ca-key", { type: "string", describe: "CA private key (PEM or DER, encrypted keys too)", requiresArg: true })
      .option("out", { type: "string", demandOption: true, describe: "Output: a directory, a file ending in .zip, or (one keystore) a .p12", requiresArg: true })
      .option("days", { type: "number", default: 1095, describe: "New validity in days (certutil's default: 3 years)", requiresArg: true })
      .option("key", { type: "string", describe: "New key type, for every node: rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384 (default: each old key's type)", requiresArg: true })
      .option("reuse-key", { type: "boolean", describe: "Keep each node's key (default: a new key of the same type)" })
      .option("reissuer", { type: "boolean", describe: "Also reissue certificates the given CA did not issue (a change of CA)" })
      .option("force", { type: "boolean", describe: "Replace existing output files" })
      .option("dry-run", { type: "boolean", describe: "Read and check everything, print what would be renewed; write nothing" })
      .option("json", { type: "boolean", describe: "Print one JSON document on stdout" })
      .option("quiet", { type: "boolean", alias: ["q"], describe: "No summary" })
      .conflicts("ca", ["ca-cert", "ca-key"])
      .conflicts("reuse-key", ["key", "keysize"])
      .example("$0 renew certificate-bundle.zip --ca elastic-stack-ca.p12 --out renewed.zip", "New keys and certificates, same names and layout")
      .example("$0 renew certs/ --ca-cert ca/ca.crt --ca-key ca/ca.key --days 365 --reuse-key --out certs-2027/", "Keep the keys, one more year")
      .example("$0 renew node1.p12 --ca new-ca.p12 --reissuer --pass-file p12.pass --out node1-new.p12", "Move a node to another CA (phase 2 of a CA rotation)")
      .example("$0 renew certs.zip --ca ca.p12 --out renewed.zip --dry-run --json", "Show old and new expiry without writing"),
  run: runRenew,
});

async function runRenew(args: RenewArgs, ctx: CommandContext): Promise<ExitCode> {
  const { readRenewInput } = await import("../../io/renew-input.js");
  const { resolvePassword } = await import("../../io/password.js");
  const { openBundleStage, writeBundle, PRIVATE_FILE_MODE, PUBLIC_FILE_MODE } = await import("../../io/bundle.js");
  const { openStage } = await import("../../io/output-stage.js");
  const { assertOutputWritable } = await import("../../io/output-writable.js");
  const { mapBounded } = await import("../../io/bounded.js");
  const { loadIssuer } = await import("../ca-source.js");
  const { parseKeySpec } = await import("../../pki/keys.js");
  const { isIssuedBy } = await import("../../pki/reissue.js");
  const { viewBundle, readNodeKey, renewNode, nodeFiles, caFileBytes } = await import("../renew-bundle.js");

  const days = wholeNumberOption("--days", args.days, { min: 1, max: 36500, unit: "days", command: "renew" });
  if (args.ca === undefined && (args.caCert === undefined || args.caKey === undefined)) {
    throw new OthernameError("USAGE", "missing CA: give --ca CA.p12, or --ca-cert CRT with --ca-key KEY (the CA that signs the renewed certificates)", {
      kind: "usage",
      hint: "e.g. othername renew certificate-bundle.zip --ca elastic-stack-ca.p12 --out renewed.zip",
    });
  }
  const text = keyText(args);
  const keySpec = text === undefined ? undefined : parseKeySpec(text);
  const singleP12 = /\.(p12|pfx)$/i.test(args.out);
  const zip = /\.zip$/i.test(args.out);
  await assertOutputWritable(args.out, { cwd: ctx.io.cwd, flag: "--out", kind: singleP12 || zip ? "file" : "directory" });
  warnPassOnCommandLine(ctx, args.pass, "--pass");
  warnPassOnCommandLine(ctx, args.caPass, "--ca-pass");

  const input = await readRenewInput(args.bundle, ctx.io.cwd);
  const issuer = await loadIssuer(args, ctx);
  // Asked for (on a terminal) when a keystore is to be opened or an encrypted key read or replaced.
  const needsPassword = input.entries.some((e) => /\.(p12|pfx)$/i.test(e.path) || (/\.key$/i.test(e.path) && /ENCRYPTED/.test(Buffer.from(e.bytes.subarray(0, 4096)).toString("latin1"))));
  const password = await resolvePassword(
    { file: args.passFile, env: args.passEnv, value: args.pass, ...(needsPassword ? { prompt: "Enter password of the bundle's .p12 files and keys (empty for none): " } : {}) },
    { ...ctx.io },
  );
  const outPassword = await resolvePassword({ file: args.outPassFile, env: args.outPassEnv, flags: { file: "--out-pass-file", env: "--out-pass-env" } }, { ...ctx.io });
  const passwordChanged = outPassword !== undefined;
  const newPassword = outPassword ?? password;

  const view = await viewBundle(input.entries, password);
  if (view.nodes.length === 0) {
    throw new OthernameError("RENEW_NO_NODES", `nothing to renew in ${args.bundle.join(", ")}: no node certificate (a .p12 with a key, or a .crt that is not a CA)`, {
      hint: "Give the bundle written by `othername cert` (or certutil), or node .p12 / .crt files.",
    });
  }
  if (singleP12 && (input.kind !== "files" || view.nodes.length !== 1 || view.nodes[0]?.kind !== "pkcs12" || input.entries.length !== 1)) {
    throw new OthernameError("USAGE", `cannot write ${args.out}: --out NAME.p12 holds one renewed keystore, from one .p12 given alone`, {
      kind: "usage",
      hint: "Give a directory (--out renewed/) or a zip (--out renewed.zip) for a bundle.",
    });
  }
  // Every refusal at once, before any key is made: the file, its issuer and the CA given.
  const foreign = view.nodes.filter((n) => !isIssuedBy(n.certificate, issuer.certificate));
  if (foreign.length > 0 && !args.reissuer) {
    const shown = foreign.slice(0, 5).map((n) => `${n.entry.shown} (${n.certificate.subject}, issued by ${n.certificate.issuer})`);
    const more = foreign.length > shown.length ? ` and ${foreign.length - shown.length} more` : "";
    throw new OthernameError(
      "RENEW_OTHER_ISSUER",
      `refusing to renew ${shown.join(", ")}${more}: not issued by the given CA ${issuer.certificate.subject}${foreign.some((n) => n.certificate.issuer === issuer.certificate.subject) ? " (a CA of the same name whose key did not sign it)" : ""}`,
      {
        hint: "Give the CA that issued them, or add --reissuer to sign them with this CA on purpose (a change of CA: every node must trust both CAs while nodes restart).",
      },
    );
  }
  for (const n of foreign) ctx.warn(`${n.entry.shown}: issued by ${n.certificate.issuer}; reissued by ${issuer.certificate.subject} (--reissuer)`);

  const locked = view.nodes.find((n) => n.kind === "pem" && n.keyEncrypted);
  if (locked && newPassword === undefined) {
    throw new OthernameError("RENEW_PASSWORD_MISSING", `cannot renew ${locked.entry.shown}: its key is encrypted, and no password was given to encrypt the new one`, {
      kind: "usage",
      hint: "Give the keys' password with --pass-file FILE or --pass-env VAR (or another one for the new keys with --out-pass-file/--out-pass-env).",
    });
  }
  const at = ctx.io.now();
  const notBefore = new Date(Math.floor(at.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  if (notAfter > issuer.certificate.notAfter) {
    ctx.warn(`the renewed certificates outlive their CA: they end ${notAfter.toISOString()}, the CA ${issuer.certificate.subject} ends ${issuer.certificate.notAfter.toISOString()}`);
  }
  const location = resolve(ctx.io.cwd, args.out);
  if (args.dryRun) {
    print(ctx, args, { dryRun: true, location, issuer: issuer.certificate.subject, notBefore, notAfter, nodes: view.nodes.map((n) => ({ node: n, newNotAfter: notAfter, keyReused: Boolean(args.reuseKey) })), added: [], unchanged: [] });
    return ExitCode.ok;
  }

  // Output paths: every renewed node's files, the CA files, and what passes through unchanged.
  const paths = [
    ...view.nodes.flatMap((n) => (n.kind === "pem" ? [n.entry.path, n.keyPath] : [n.entry.path])),
    ...view.caFiles.map((f) => f.entry.path),
    ...view.unchanged.map((e) => e.path),
  ];
  const stage = singleP12
    ? await openStage({ target: location, kind: "file", force: Boolean(args.force), shown: args.out })
    : await openBundleStage(paths, { out: args.out, cwd: ctx.io.cwd, force: Boolean(args.force) });
  for (const note of stage.notes) ctx.note(`othername: ${note}`);
  let written: { location: string };
  const results: { node: (typeof view.nodes)[number]; newNotAfter: Date; keyReused: boolean }[] = [];
  const added: string[] = [];
  try {
    const perNode = await mapBounded(view.nodes, 8, async (node) => {
      const reusedKey = args.reuseKey ? (node.kind === "pkcs12" ? node.key : await readNodeKey(node, password)) : undefined;
      const renewed = await renewNode(node, { issuer, days, at, reissuer: Boolean(args.reissuer), reusedKey, keySpec });
      results.push({ node, newNotAfter: renewed.certificate.notAfter, keyReused: renewed.keyReused });
      return nodeFiles(node, renewed, { issuer, password: newPassword, passwordChanged, reusedKey });
    });
    const files = perNode.flat().map((f) => ({ path: f.path, bytes: f.bytes, mode: f.secret ? PRIVATE_FILE_MODE : PUBLIC_FILE_MODE }));
    for (const file of view.caFiles) {
      const result = caFileBytes(file, issuer);
      if (result.added) added.push(file.entry.path);
      files.push({ path: file.entry.path, bytes: result.bytes, mode: PUBLIC_FILE_MODE });
    }
    for (const entry of view.unchanged) files.push({ path: entry.path, bytes: entry.bytes, mode: PRIVATE_FILE_MODE });
    if (singleP12) {
      const [only] = files;
      if (!only) throw new OthernameError("INTERNAL", "no keystore renewed for --out", { kind: "internal" });
      await stage.writeFile(only.bytes, only.mode);
      await stage.publish();
      written = { location: stage.target };
    } else {
      written = await writeBundle(files, { out: args.out, cwd: ctx.io.cwd, force: Boolean(args.force), at: notBefore }, stage);
    }
  } finally {
    await stage.discard();
  }
  const order = new Map(view.nodes.map((n, i) => [n, i]));
  results.sort((a, b) => (order.get(a.node) ?? 0) - (order.get(b.node) ?? 0));
  print(ctx, args, { dryRun: false, location: written.location, issuer: issuer.certificate.subject, notBefore, notAfter, nodes: results, added, unchanged: view.unchanged.map((e) => e.path) });
  return ExitCode.ok;
}

type Node = import("../renew-bundle.js").RenewNode;

function print(
  ctx: CommandContext,
  args: RenewArgs,
  info: {
    readonly dryRun: boolean;
    readonly location: string;
    readonly issuer: string;
    readonly notBefore: Date;
    readonly notAfter: Date;
    readonly nodes: readonly { readonly node: Node; readonly newNotAfter: Date; readonly keyReused: boolean }[];
    readonly added: readonly string[];
    readonly unchanged: readonly string[];
  },
): void {
  if (args.json) {
    ctx.json({
      ...(info.dryRun ? { dryRun: true } : {}),
      out: info.location,
      issuer: info.issuer,
      notBefore: info.notBefore.toISOString(),
      notAfter: info.notAfter.toISOString(),
      nodes: info.nodes.map(({ node, newNotAfter, keyReused }) => ({
        file: node.entry.path,
        subject: node.certificate.subject,
        oldNotAfter: node.certificate.notAfter.toISOString(),
        newNotAfter: newNotAfter.toISOString(),
        keyReused,
      })),
      ...(info.added.length > 0 ? { caAdded: info.added } : {}),
      ...(info.unchanged.length > 0 ? { unchanged: info.unchanged } : {}),
    });
    return;
  }
  if (args.quiet) return;
  const count = info.nodes.length;
  const what = `${count} node certificate${count === 1 ? "" : "s"} (signed by ${escapeField(info.issuer)})`;
  ctx.out(info.dryRun ? `Would renew ${what} into ${escapeField(info.location)}:` : `Renewed ${what} in ${escapeField(info.location)}:`);
  const width = Math.max(...info.nodes.map((n) => n.node.entry.path.length));
  for (const { node, newNotAfter, keyReused } of info.nodes) {
    ctx.out(
      `  ${escapeField(node.entry.path).padEnd(width)}  ${escapeField(node.certificate.subject)}  not after ${node.certificate.notAfter.toISOString()} -> ${newNotAfter.toISOString()}  (${keyReused ? "same key" : "new key"})`,
    );
  }
  for (const path of info.added) ctx.out(`  ${escapeField(path)}: ${escapeField(info.issuer)} added (the CAs it held are kept)`);
  if (info.unchanged.length > 0) ctx.out(`  Copied unchanged: ${info.unchanged.map(escapeField).join(", ")}`);
  if (!info.dryRun) ctx.out("Copy each node's new files over its old ones: Elasticsearch reloads changed certificate and key files by itself.");
}
