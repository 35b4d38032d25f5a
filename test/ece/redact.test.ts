import { describe, expect, it } from "vitest";
import { REDACTED, Redactor } from "../../src/ece/redact.js";

/** Secrets echoed back in another spelling are still removed (issue 13, item 5). */
describe("Redactor", () => {
  const apiKey = "c2VjcmV0LWFwaS1rZXk6dmVyeS1zZWNyZXQ/+x";
  const password = "pa55 w0rd!/é";
  const redactor = new Redactor([apiKey, password]);
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

  it.each([
    ["as given", apiKey],
    ["lower-case", apiKey.toLowerCase()],
    ["upper-case", apiKey.toUpperCase()],
    ["base64", b64(apiKey)],
    ["base64 without padding", b64(apiKey).replace(/=+$/, "")],
    ["base64url", b64(apiKey).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")],
    ["URL-encoded", encodeURIComponent(apiKey)],
    ["URL-encoded, lower-case hex", encodeURIComponent(apiKey).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ["password as given", password],
    ["password base64", b64(password)],
    ["password URL-encoded", encodeURIComponent(password)],
    ["password form-encoded", encodeURIComponent(password).replace(/%20/g, "+")],
    ["password upper-case", password.toUpperCase()],
  ])("removes the secret %s", (_label, echo) => {
    const text = `server said: invalid credentials <${echo}> (request 42)`;
    const redacted = redactor.redact(text);
    expect(redacted).toBe(`server said: invalid credentials <${REDACTED}> (request 42)`);
  });

  it("leaves other text alone", () => {
    expect(redactor.redact("deployment d1 not found [deployments.deployment_not_found]")).toBe("deployment d1 not found [deployments.deployment_not_found]");
  });
});
