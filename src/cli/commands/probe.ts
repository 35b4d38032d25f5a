import { ExitCode, OthernameError } from "../../errors.js";
import { loadAnchors, readCertificateFile } from "../../io/anchors.js";
import { resolvePassword } from "../../io/password.js";
import { readInputFile } from "../../io/read-input.js";
import { probeTls, type TlsProbeResult } from "../../io/tls-probe.js";
import { parseCertificate, type Certificate } from "../../pki/certificate.js";
import type { TlsRole } from "../../pki/chain.js";
import { exportPrivateKeyPem, readPrivateKey, type PrivateKey } from "../../pki/keys.js";
import { encodePem } from "../../pki/pem.js";
import type { CryptoFile } from "../../pki/read.js";
import { certificateCheckReport, checkCertificate } from "../../trust/check-certificate.js";
import { OTHER_NAME_FIELD, parseTrustFields } from "../../trust/decide.js";
import { defineCommand } from "../command.js";
import type { CommandContext } from "../context.js";
import { trustRestrictionOptions } from "../trust-options.js";
import { passwordOptions, warnPassOnCommandLine, type PasswordArgs } from "../password-options.js";
import { parseDurationOption } from "../duration-option.js";
import { chainDiagnoses, diagnosisLines, jdkDiagnoses, nameDiagnoses } from "../trust-diagnosis.js";
import { parseAt } from "../parse-at.js";
import { describe as describeCheck } from "./check.js";
import { loadRestrictionsFile } from "./match.js";

interface ProbeArgs extends PasswordArgs {
  readonly target: string;
  readonly cert?: string;
  readonly key?: string;
  readonly p12?: string;
  readonly ca: readonly string[];
  readonly restrictions: string;
  readonly fields?: string;
  readonly as?: TlsRole;
  readonly servername?: string;
  readonly timeout: string;
  readonly "tls-version"?: "1.2" | "1.3";
  readonly at?: string;
  readonly json: boolean;
  readonly "ca-pass-file"?: string;
  readonly "ca-pass-env"?: string;
}

/** Long enough for a node across a WAN, short enough that a dropped SYN does not hang a script. */
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 300_000;

export default defineCommand<ProbeArgs>({
  command: "probe <target>",
  describe: "Would this CA and trust_restrictions file accept a live node? Connect, capture its chain, then check it",
  builder: (yargs) =>
    trustRestrictionOptions(passwordOptions(passwordOptions(yargs, { purpose: "Password of the client key or .p12" }), { prefix: "ca-", purpose: "Password of PKCS#12 --ca files" }))
      .positional("target", { type: "string", describe: "HOST:PORT of the node, e.g. node1.example:9300 (transport) or [::1]:9300" })
      .option("cert", { type: "string", requiresArg: true, describe: "Client certificate to present (PEM or DER; extra certificates are sent as its chain)" })
      .option("key", { type: "string", requiresArg: true, describe: "Private key of --cert (PEM or DER, encrypted keys with --pass-file/--pass-env)" })
      .option("p12", { type: "string", requiresArg: true, describe: "Client key and certificate as PKCS#12 (password with --pass-file/--pass-env)" })
      .conflicts("p12", ["cert", "key"])
      .option("ca", { type: "string", array: true, demandOption: true, requiresArg: true, describe: "Trust anchors to judge the node with: PEM bundle, DER, PKCS#12 truststore or directory (repeatable)" })
      .option("servername", { type: "string", requiresArg: true, describe: "SNI host name to send (default: the host, unless it is an IP address)" })
      .option("timeout", { type: "string", requiresArg: true, default: `${DEFAULT_TIMEOUT_MS / 1000}s`, describe: "Give up after this long: seconds (10, 10s) or milliseconds (500ms)" })
      .option("tls-version", { type: "string", choices: ["1.2", "1.3"], requiresArg: true, describe: "Speak only this TLS version" })
      .option("at", { type: "string", requiresArg: true, describe: "Decide at this ISO-8601 time instead of now" })
      .option("json", { type: "boolean", default: false, describe: "Print one JSON document" })
      .epilogue(
        [
          "Connects only to HOST:PORT. Node's own certificate verification is switched off for this one connection (rejectUnauthorized: false) " +
            "only so that the node's chain can be captured even when it is untrusted or the node then refuses our client certificate; " +
            "the verdict comes from othername's own chain validation against --ca, then the names against --restrictions, exactly as `othername check` does. " +
            "Nothing is sent over the connection after the handshake.",
          "",
          "Exit 0 trusted, 1 not trusted (chain or names), 3 unreadable input or a trust_restrictions file Elasticsearch would refuse, " +
            "4 the node cannot be reached or TLS failed before it showed a certificate.",
        ].join("\n"),
      )
      .example("$0 probe node1.example:9300 --ca ca.crt --restrictions trust_restrictions.yml", "Would a node with ca.crt and these restrictions accept node1's transport certificate?")
      .example(
        "$0 probe node1.example:9300 --p12 node2.p12 --pass-env P12_PASS --ca ca.crt --restrictions trust.yml --json",
        "Present node2's certificate as Elasticsearch nodes require, and also learn whether node1 accepts it",
      )
      .example("$0 probe node1.example:9300 --ca ca.crt --restrictions trust.yml --as server", "Judge node1's certificate only as the TLS server it is on this connection (checkServerTrusted)")
      .example("$0 probe 10.0.0.5:9300 --cert me.crt --key me.key --servername node1 --ca ca.crt --restrictions trust.yml", "Connect by IP, send SNI node1"),
  run: async (args, ctx) => {
    const { host, port } = parseTarget(args.target);
    const timeoutMs = parseDurationOption("--timeout", args.timeout, { maxMs: MAX_TIMEOUT_MS, command: "probe" });
    if ((args.cert === undefined) !== (args.key === undefined)) {
      throw new OthernameError("USAGE_CLIENT_CERT", "probe: --cert and --key go together", { kind: "usage", hint: "Give both, or a PKCS#12 file with --p12." });
    }
    const fields = parseTrustFields(args.fields ?? OTHER_NAME_FIELD);
    const at = args.at === undefined ? ctx.io.now() : parseAt(args.at);
    // Every local input is read before connecting: a typo should not cost a connection.
    const restrictions = await loadRestrictionsFile(args.restrictions, ctx);
    const anchors = await loadAnchors(args.ca, { cwd: ctx.io.cwd, passFile: args["ca-pass-file"], passEnv: args["ca-pass-env"] }, ctx.io);
    const clientCertificate = await readClientCredentials(args, ctx);
    const version = args["tls-version"] === undefined ? undefined : args["tls-version"] === "1.2" ? "TLSv1.2" : "TLSv1.3";

    const probe = await probeTls({ host, port, servername: args.servername, timeoutMs, clientCertificate, minVersion: version, maxVersion: version });
    const [leaf, ...extras] = probe.peerChain.map((der, index) => parsePeerCertificate(der, index, args.target));
    if (leaf === undefined) throw new OthernameError("TLS_NO_PEER_CERTIFICATE", `cannot probe ${args.target}: no certificate seen`, { kind: "remote" });
    const result = checkCertificate({ leaf, intermediates: extras, anchors, at, fields, matcher: restrictions.matcher, as: args.as ?? "both" });
    const chain = [leaf, ...extras].map((c) => ({ subject: c.subject, issuer: c.issuer }));
    const diagnoses = [...chainDiagnoses(result.chain, { anchors, intermediates: extras }), ...jdkDiagnoses(result), ...nameDiagnoses(result.decision, leaf)];
    if (args.json) {
      ctx.json({
        ...certificateCheckReport(result),
        ...(diagnoses.length > 0 ? { diagnoses } : {}),
        peer: { host, port, protocol: probe.protocol, cipher: probe.cipher, chain },
        handshake: { clientCertificateAccepted: probe.clientCertificateAccepted, error: probe.error },
      });
    } else {
      for (const line of [...describeCheck(args.target, result.decision, leaf, result), ...diagnosisLines(diagnoses)]) ctx.out(line);
      ctx.out(`  peer: ${probe.protocol ?? "?"} ${probe.cipher ?? "?"}, ${chain.length} certificate${chain.length === 1 ? "" : "s"}: ${chain.map((c) => c.subject).join(" ← ")}`);
      ctx.out(`  handshake: ${describeHandshake(probe, clientCertificate !== undefined)}`);
    }
    return result.decision.trusted ? ExitCode.ok : ExitCode.no;
  },
});

/** HOST:PORT, with IPv6 literals in brackets. */
export function parseTarget(target: string): { host: string; port: number } {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(target);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !(port >= 1 && port <= 65535)) {
    throw new OthernameError("USAGE_TARGET", `invalid target ${JSON.stringify(target)}: expected HOST:PORT`, {
      kind: "usage",
      hint: "E.g. node1.example:9300 (the transport port), 10.0.0.5:9300 or [::1]:9300.",
    });
  }
  return { host, port };
}

function parsePeerCertificate(der: Uint8Array, index: number, target: string): Certificate {
  try {
    return parseCertificate(der);
  } catch (error) {
    if (!(error instanceof OthernameError)) throw error;
    throw error.withSubject("cannot read the certificate", `${index + 1} presented by ${target}`);
  }
}

function describeHandshake(probe: TlsProbeResult, presented: boolean): string {
  const what = presented ? "our client certificate" : "a connection without client certificate";
  const error = probe.error ? ` (${probe.error.code}: ${probe.error.message})` : "";
  if (probe.clientCertificateAccepted === true) return `the node accepted ${what}${error}`;
  if (probe.clientCertificateAccepted === false) return `the node refused ${what}${error}`;
  return `unknown whether the node accepts ${what}${error}`;
}

/** The certificate chain and key to present, as PEM for Node; keys are read (and decrypted) by us. */
async function readClientCredentials(args: ProbeArgs, ctx: CommandContext): Promise<{ certificatePem: string; keyPem: string } | undefined> {
  const path = args.p12 ?? args.cert;
  if (path === undefined) return undefined;
  warnPassOnCommandLine(ctx, args.pass, "--pass");
  const given = await resolvePassword({ file: args["pass-file"], env: args["pass-env"], value: args.pass }, ctx.io);
  const flag = args.p12 !== undefined ? "--p12" : "--cert";
  const withPassword = async <T>(read: (password: string | undefined) => Promise<T>, label: string): Promise<T> => {
    try {
      return await read(given);
    } catch (error) {
      const needsPassword = error instanceof OthernameError && error.code === "PASSWORD_REQUIRED";
      if (!needsPassword || given !== undefined || !ctx.io.stdinIsTTY) throw error;
      return read(await resolvePassword({ prompt: `Password for ${label}: ` }, ctx.io));
    }
  };
  const file = await withPassword(
    (password) => readCertificateFile(path, { cwd: ctx.io.cwd, password, flag, passwordFlags: "--pass-file FILE or --pass-env VAR" }),
    path,
  );
  let key: PrivateKey;
  if (args.p12 !== undefined) {
    const entry = file.keys[0];
    const unusable = file.unusableKeys?.[0];
    if (entry === undefined && unusable !== undefined) {
      throw new OthernameError("CLIENT_KEY_UNSUPPORTED", `cannot present ${path} (--p12): its private key cannot be used: ${unusable.key.reason}`, {
        hint: "Give a keystore whose key is RSA, EC P-256/P-384/P-521 or Ed25519, or --cert and --key.",
      });
    }
    if (entry === undefined) {
      throw new OthernameError("CLIENT_KEY_MISSING", `cannot present ${path} (--p12): it holds no private key`, { hint: "Give a PKCS#12 keystore with a key entry, or --cert and --key." });
    }
    key = entry.key;
  } else {
    const keyPath = args.key as string;
    const bytes = await readInputFile(keyPath, ctx.io.cwd, "--key file");
    key = await withPassword((password) => Promise.resolve(readPrivateKey(bytes, { source: keyPath, password })), keyPath);
  }
  const chain = clientChain(file, key, path);
  return { certificatePem: chain.map((c) => encodePem("CERTIFICATE", c.der)).join(""), keyPem: exportPrivateKeyPem(key) };
}

/** The key's certificate first, then the other non-trusted certificates of the file as its chain. */
function clientChain(file: CryptoFile, key: PrivateKey, path: string): Certificate[] {
  const matches = (c: Certificate) => Buffer.from(c.publicKey.spki).equals(Buffer.from(key.spki));
  const leafEntry = file.certificates.find((entry) => matches(entry.certificate));
  if (leafEntry === undefined) {
    throw new OthernameError("CLIENT_KEY_MISMATCH", `cannot present ${path}: no certificate in it matches the private key`, {
      hint: "Give the key that belongs to the certificate (compare `openssl pkey -pubout` with `openssl x509 -pubkey`).",
    });
  }
  const rest = file.certificates.filter((entry) => entry !== leafEntry && entry.trusted !== true).map((entry) => entry.certificate);
  return [leafEntry.certificate, ...rest];
}
