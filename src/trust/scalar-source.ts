import type { Scalar } from "yaml";

/**
 * Where each character of a YAML scalar's value sits in the file, so that a finding (or a
 * refusal in `match`) points at the character itself, the same line and column in every command.
 */
export type ScalarStyle = "plain" | "single" | "double" | "block" | "alias" | "other";

export function styleOf(node: Scalar): ScalarStyle {
  switch (node.type) {
    case "PLAIN":
      return "plain";
    case "QUOTE_SINGLE":
      return "single";
    case "QUOTE_DOUBLE":
      return "double";
    case "BLOCK_LITERAL":
    case "BLOCK_FOLDED":
      return "block";
    default:
      return "other";
  }
}

/**
 * For each index 0..value.length of the value, its offset inside the node's source text, when
 * the scalar is on one line and its escapes are understood; otherwise undefined.
 */
export function sourceMap(value: string, raw: string, style: ScalarStyle): number[] | undefined {
  if (raw.includes("\n")) return undefined;
  if (style === "plain" || style === "other") {
    return raw === value ? Array.from({ length: value.length + 1 }, (_, i) => i) : undefined;
  }
  if (style !== "single" && style !== "double") return undefined;
  const body = raw.slice(1, -1);
  const map: number[] = [];
  let i = 0;
  while (i < body.length) {
    map.push(i + 1);
    if (style === "single" && body[i] === "'" && body[i + 1] === "'") {
      i += 2;
    } else if (style === "double" && body[i] === "\\") {
      const kind = body[i + 1];
      const width = kind === "x" ? 4 : kind === "u" ? 6 : kind === "U" ? 10 : 2;
      if (kind === "U") {
        const cp = Number.parseInt(body.slice(i + 2, i + 10), 16);
        if (Number.isFinite(cp) && cp > 0xffff) map.push(i + 1); // two UTF-16 units from one escape
      }
      i += width;
    } else {
      i += 1;
    }
  }
  map.push(body.length + 1);
  return map.length === value.length + 1 ? map : undefined;
}
