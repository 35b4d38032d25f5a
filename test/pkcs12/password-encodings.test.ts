import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPkcs12 } from "../../src/pki/pkcs12/index.js";
import { runCli } from "../helpers/cli.js";
import { FIXTURES, errorCode, withTempDirAsync } from "./helpers.js";

/**
 * RSA JSafe keys PBKDF2 with the ISO-8859-1 bytes of the password, and OpenSSL does the same when
 * handed Latin-1 bytes: its MAC still takes the BMPString. `openssl pkcs12 -export` with a Latin-1
 * password file makes such a file.
 */
const PASSWORD = "Mötley Crüe";

async function latin1File(dir: string): Promise<string> {
  const pass = join(dir, "latin1.pass");
  writeFileSync(pass, Buffer.concat([Buffer.from(PASSWORD, "latin1"), Buffer.from("\n")]));
  const out = join(dir, "latin1.p12");
  const src = join(FIXTURES, "src");
  execFileSync("openssl", ["pkcs12", "-export", "-in", join(src, "node2.crt"), "-inkey", join(src, "node2.key"), "-name", "node2", "-passout", `file:${pass}`, "-out", out], {
    stdio: "ignore",
  });
  return out;
}

describe("password encodings", () => {
  it("PBES2 contents made with ISO-8859-1 password bytes open, and say so", async () => {
    await withTempDirAsync(async (dir) => {
      const bytes = new Uint8Array(readFileSync(await latin1File(dir)));
      const contents = await readPkcs12(bytes, PASSWORD);
      expect(contents.keys).toHaveLength(1);
      expect(contents.macDetails?.passwordEncoding).toBe("BMPString");
      expect(contents.keys[0]?.encryption?.passwordEncoding).toBe("ISO-8859-1");
      expect(contents.safes.map((safe) => safe.encryption?.passwordEncoding ?? null)).toContain("ISO-8859-1");
      expect(await errorCode(readPkcs12(bytes, "Motley Crue"))).toBe("PKCS12_WRONG_PASSWORD");
    });
  });

  it("a --pass-file that is not UTF-8 is read as Latin-1 (as the corpus runner and OpenSSL pass it); a UTF-8 one works too", async () => {
    await withTempDirAsync(async (dir) => {
      const path = await latin1File(dir);
      const utf8 = join(dir, "utf8.pass");
      writeFileSync(utf8, `${PASSWORD}\n`);
      for (const pass of [join(dir, "latin1.pass"), utf8]) {
        const run = await runCli(["inspect", path, "--pass-file", pass, "--json"]);
        expect(run.code, run.stderr).toBe(0);
        const file = JSON.parse(run.stdout).files[0];
        expect(file.keys[0].encryption.passwordEncoding).toBe("ISO-8859-1");
        expect(file.mac.passwordEncoding).toBe("BMPString");
      }
      const text = await runCli(["inspect", path, "--pass-file", utf8]);
      expect(text.stdout).toMatch(/password as ISO-8859-1 bytes/);
    });
  });

  it("standard files still open with the standard encodings", async () => {
    const contents = await readPkcs12(new Uint8Array(readFileSync(join(FIXTURES, "openssl-default.p12"))), "changeit");
    expect(contents.macDetails?.passwordEncoding).toBe("BMPString");
    expect(contents.keys[0]?.encryption?.passwordEncoding).toBe("UTF-8");
  });
});
