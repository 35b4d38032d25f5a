import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Node } from "yaml";
import { TextPositions } from "../trust/lint/positions.js";
import { firstYamlNodeBeyond } from "../trust/yaml-node-bound.js";
import type { Diagnostic, SourcePosition } from "./diagnostic.js";

/**
 * The YAML document reduced to what instances.yaml can hold — mappings, sequences and
 * strings — each with its source position. Parsed with the failsafe schema so that
 * `ip: 10.0.0.1` or `name: 1.10` stay exactly the text the user wrote.
 */
export type YamlValue = YamlScalar | YamlNull | YamlSeq | YamlMap;
export interface YamlScalar extends SourcePosition {
  readonly kind: "scalar";
  readonly value: string;
}
/** An empty value (`dns:`), which certutil treats as absent. */
export interface YamlNull extends SourcePosition {
  readonly kind: "null";
}
export interface YamlSeq extends SourcePosition {
  readonly kind: "seq";
  readonly items: readonly YamlValue[];
}
export interface YamlEntry {
  readonly key: string;
  readonly keyPosition: SourcePosition;
  readonly value: YamlValue;
}
export interface YamlMap extends SourcePosition {
  readonly kind: "map";
  readonly entries: readonly YamlEntry[];
}

export interface YamlLimits {
  /** Largest accepted input, in UTF-16 code units. */
  readonly maxChars: number;
  /**
   * YAML nodes in the text (values, aliases, list entries, keys), counted with the lexer before
   * the parser runs: the parser's syntax tree costs about 1.4 KB per node, so 2,000,000 list
   * items (4 MB) took 28 s of CPU and 2.1 GB before this bound.
   */
  readonly maxSourceNodes?: number;
  /** Nodes visited after alias expansion: bounds "billion laughs" documents. */
  readonly maxNodes: number;
  readonly maxDepth: number;
}

/**
 * 4 MiB and 100,000 nodes hold over 5,000 instances with names, DNS names and addresses (an
 * instance with three DNS names and two IPs is 18 nodes, counting each `-`, `:` and `,`); 7,000
 * such instances take lint about 3 s.
 */
const DEFAULT_SOURCE_NODES = 100_000;
export const DEFAULT_YAML_LIMITS: YamlLimits = {
  maxChars: 4 * 1024 * 1024,
  maxSourceNodes: DEFAULT_SOURCE_NODES,
  maxNodes: 1_000_000,
  maxDepth: 64,
};

export type YamlReadResult =
  | { readonly ok: true; readonly root: YamlValue | undefined; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export function readYamlTree(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): YamlReadResult {
  if (text.length > limits.maxChars) {
    return {
      ok: false,
      diagnostics: [
        {
          rule: "yaml-limits",
          severity: "error",
          message: `the file has ${text.length} characters, more than the limit of ${limits.maxChars}`,
          line: 1,
          column: 1,
          path: "",
        },
      ],
    };
  }
  const lineCounter = new LineCounter();
  const maxSourceNodes = limits.maxSourceNodes ?? DEFAULT_SOURCE_NODES;
  const beyond = firstYamlNodeBeyond(text, maxSourceNodes);
  if (beyond !== undefined) {
    return {
      ok: false,
      diagnostics: [
        {
          rule: "yaml-limits",
          severity: "error",
          message: `the file holds more than ${maxSourceNodes.toLocaleString("en-US")} YAML nodes (values, list entries and keys; counted before parsing, so a hostile file costs little)`,
          ...new TextPositions(text).at(beyond),
          path: "",
        },
      ],
    };
  }
  const doc = parseDocument(text, { lineCounter, schema: "failsafe", prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const syntax: Diagnostic[] = doc.errors.map((e) => ({
    rule: e.code === "DUPLICATE_KEY" ? "duplicate-key" : "yaml-syntax",
    severity: "error",
    message: e.message.split("\n")[0] ?? e.message,
    ...at(e.pos[0]),
    path: "",
  }));
  if (syntax.length > 0) return { ok: false, diagnostics: syntax };
  if (doc.contents === null) return { ok: true, root: undefined, diagnostics: [] };

  // Aliases point at the latest anchor of that name before them (YAML 1.2 §3.2.2.2). One
  // pass in document order resolves them all; converted nodes are shared, never re-expanded,
  // so an alias bomb costs one node per alias.
  const anchors = new Map<string, Node>();
  const aliasTargets = new Map<Alias, Node>();
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target) aliasTargets.set(node, target);
    } else if (node && typeof node === "object" && "anchor" in node && typeof node.anchor === "string") {
      anchors.set(node.anchor, node as Node);
    }
  });
  const converted = new Map<unknown, YamlValue>();
  let visited = 0;
  const convert = (node: unknown, depth: number, path: string): YamlValue => {
    if (++visited > limits.maxNodes || depth > limits.maxDepth) {
      throw new LimitExceeded(path, node);
    }
    if (isAlias(node)) {
      const target = aliasTargets.get(node);
      if (!target) throw new LimitExceeded(path, node);
      return converted.get(target) ?? convert(target, depth + 1, path);
    }
    const done = convert_(node, depth, path);
    converted.set(node, done);
    return done;
  };
  const convert_ = (node: unknown, depth: number, path: string): YamlValue => {
    const range = (node as Node).range;
    const pos = at(range?.[0] ?? 0);
    if (isScalar(node)) {
      const empty = range !== undefined && range !== null && range[0] === range[1];
      if (empty || node.value === null) return { kind: "null", ...pos };
      return { kind: "scalar", value: String(node.value), ...pos };
    }
    if (isSeq(node)) {
      return { kind: "seq", items: node.items.map((item, k) => convert(item, depth + 1, `${path}[${k}]`)), ...pos };
    }
    if (isMap(node)) {
      const entries: YamlEntry[] = node.items.map((pair) => {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value ?? "") : "<complex key>";
        const keyPosition = at(keyNode?.range?.[0] ?? range?.[0] ?? 0);
        const value = pair.value === null ? { kind: "null" as const, ...keyPosition } : convert(pair.value, depth + 1, `${path}.${key}`);
        return { key, keyPosition, value };
      });
      return { kind: "map", entries, ...pos };
    }
    return { kind: "null", ...pos };
  };
  try {
    return { ok: true, root: convert(doc.contents, 0, ""), diagnostics: [] };
  } catch (error) {
    if (!(error instanceof LimitExceeded)) throw error;
    const range = (error.node as Node | undefined)?.range;
    return {
      ok: false,
      diagnostics: [
        {
          rule: "yaml-limits",
          severity: "error",
          message: `the document expands to more than ${limits.maxNodes} nodes or ${limits.maxDepth} levels (aliases are expanded; is this a YAML bomb?)`,
          ...at(range?.[0] ?? 0),
          path: error.path.replace(/^\./, ""),
        },
      ],
    };
  }
}

class LimitExceeded extends Error {
  constructor(
    readonly path: string,
    readonly node: unknown,
  ) {
    super("limit exceeded");
  }
}
