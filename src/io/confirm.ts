import type { Readable } from "node:stream";

/**
 * Asks a yes/no question on stderr and reads one line from stdin. Only "y" or "yes"
 * (any case) is a yes; end of input is a no. The caller checks that stdin is a terminal.
 */
export async function askYesNo(question: string, io: { readonly stdin: Readable; readonly stderr: (text: string) => void }): Promise<boolean> {
  io.stderr(`${question} [y/N] `);
  const line = await readLine(io.stdin);
  return /^\s*y(es)?\s*$/i.test(line ?? "");
}

async function readLine(stream: Readable): Promise<string | undefined> {
  // A second question after input ended (e.g. asked again after a version conflict): no answer.
  if (stream.readableEnded || stream.destroyed) return undefined;
  return new Promise((resolve) => {
    let buffer = "";
    const done = (value: string | undefined): void => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onEnd);
      stream.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      buffer += typeof chunk === "string" ? chunk : chunk.toString("utf8");
      const newline = buffer.indexOf("\n");
      if (newline !== -1) done(buffer.slice(0, newline).replace(/\r$/, ""));
      else if (buffer.length > 1024) done(buffer);
    };
    const onEnd = (): void => done(buffer === "" ? undefined : buffer);
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onEnd);
    stream.resume();
  });
}
