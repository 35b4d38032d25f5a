import { describe, expect, it } from "vitest";
import { readPkcs12 } from "../../src/pki/pkcs12/index.js";
import { runCli } from "../helpers/cli.js";
import { errorCode, fixture, withTempDirAsync } from "./helpers.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

function padded(bytes: Uint8Array, tail: readonly number[]): Uint8Array {
  const out = new Uint8Array(bytes.length + tail.length);
  out.set(bytes);
  out.set(tail, bytes.length);
  return out;
}

// Five .NET test .pfx files end with 8 zero bytes after the PFX; OpenSSL (d2i) and the JDK stop at its end.
describe("zero bytes after the PFX", () => {
  it("are ignored, and counted", async () => {
    const contents = await readPkcs12(padded(fixture("openssl-default.p12"), [0, 0, 0, 0, 0, 0, 0, 0]), "changeit");
    expect(contents.keys).toHaveLength(1);
    expect(contents.trailingZeroBytes).toBe(8);
    expect((await readPkcs12(fixture("openssl-default.p12"), "changeit")).trailingZeroBytes).toBe(0);
  });

  it("anything else after the PFX stays an error", async () => {
    expect(await errorCode(readPkcs12(padded(fixture("openssl-default.p12"), [0, 0, 0, 1]), "changeit"))).toBe("PKCS12_CORRUPT");
    expect(await errorCode(readPkcs12(padded(fixture("openssl-default.p12"), [0x30, 0]), "changeit"))).toBe("PKCS12_CORRUPT");
  });

  it("a zeroed tail inside the PFX is still damage (the MAC says so)", async () => {
    const bytes = Uint8Array.from(fixture("openssl-default.p12"));
    bytes.fill(0, bytes.length - 40);
    expect(await errorCode(readPkcs12(bytes, "changeit"))).not.toBe("resolved");
  });

  it("inspect says it ignored them", async () => {
    await withTempDirAsync(async (dir) => {
      const path = join(dir, "padded.pfx");
      writeFileSync(path, padded(fixture("openssl-default.p12"), new Array(8).fill(0)));
      const text = await runCli(["inspect", path, "--pass-env", "P"], { env: { P: "changeit" } });
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain("8 zero bytes after the end of the PFX ignored");
      const json = await runCli(["inspect", path, "--pass-env", "P", "--json"], { env: { P: "changeit" } });
      expect(JSON.parse(json.stdout).files[0].trailingZeroBytes).toBe(8);
    });
  });
});
