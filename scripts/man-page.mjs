#!/usr/bin/env node
// Writes man/othername.1 (or --out FILE) from the built CLI's --help texts. `npm run build` runs it
// after tsc, so the page in the package always matches the CLI it ships with.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "../dist/cli/main.js";
import { MAN_PAGE_COMMANDS, renderManPage } from "../dist/cli/man-page.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Help is wrapped at the terminal's width when there is one: the page must not depend on who runs this.
Object.defineProperty(process.stdout, "columns", { value: undefined, configurable: true });
const help = async (args) => {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdin: Readable.from([]),
    stdinIsTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd: root,
    now: () => new Date(),
  };
  const code = await main([...args, "--help"], io);
  if (code !== 0) throw new Error(`othername ${args.join(" ")} --help exited ${code}: ${stderr}`);
  return stdout;
};
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const commands = [];
for (const name of MAN_PAGE_COMMANDS) commands.push([name, await help(name.split(" "))]);
const page = renderManPage({ version, overview: await help([]), commands });
const outAt = process.argv.indexOf("--out");
const target = outAt !== -1 && process.argv[outAt + 1] ? process.argv[outAt + 1] : join(root, "man", "othername.1");
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, page);
