import { isAlias, visit, type Document } from "yaml";

/**
 * What Elasticsearch reads for a YAML alias (`*name`) in a settings file.
 *
 * Elasticsearch parses YAML settings with Jackson's YAMLParser over SnakeYAML's event stream.
 * Jackson does not resolve aliases: an alias event becomes a string token whose text is the
 * alias's name, so `[&p "*.node.c.cluster.s", *p]` is read as `["*.node.c.cluster.s", "p"]`, and
 * an alias to an anchor that does not exist reads as its name as well (nothing checks that the
 * anchor exists). Anchors (`&p`) are ignored. Checked with Jackson's YAML parser and SnakeYAML
 * (test/jdk/jackson-yaml.test.ts).
 *
 * SnakeYAML's scanner reads an alias or anchor name as the characters up to a blank, a line break
 * or one of `: , [ ] { } / . * &`; an empty name, or a name followed by another character than a
 * blank, a line break or one of `? : , ] } % @ \``, is a scanner error ("while scanning an alias",
 * "… an anchor"), and the whole file is refused: `- *.node.x` and `- *node1.node.c` are refused,
 * `- *node1` reads "node1". A name followed by `:` scans, but the alias is then a mapping key,
 * which Jackson refuses ("Expected a field name"), or the line does not parse: refused too.
 */

/**
 * Why Elasticsearch's parser refuses the alias or anchor written as `*` / `&` + `name`, or
 * undefined when it reads it.
 */
export function aliasScanError(name: string, what: "alias" | "anchor" = "alias"): string | undefined {
  const { scanned, cut } = scanName(name);
  if (scanned.length === 0) return `no ${what} name after '${what === "alias" ? "*" : "&"}' (found '${name.charAt(0) || "end of line"}')`;
  if (cut !== -1 && !/[\s?,\]}%@`]/.test(name.charAt(cut))) return `the ${what} name '${scanned}' is followed by '${name.charAt(cut)}'`;
  return undefined;
}

/** The string Elasticsearch reads for the alias `*` + `name` (when the scanner takes it): the name itself. */
export function aliasReading(name: string): string {
  return scanName(name).scanned;
}

/** SnakeYAML's name scan: the characters before the first blank or one of `: , [ ] { } / . * &`. */
function scanName(name: string): { readonly scanned: string; readonly cut: number } {
  const cut = name.search(/[:,[\]{}/.*&\s]/);
  return { scanned: cut === -1 ? name : name.slice(0, cut), cut };
}

/**
 * The first place in `doc` where Elasticsearch's parser refuses the file for an anchor or alias
 * other than a value: an anchor name its scanner refuses (`&p.x`), or an alias used as a mapping
 * key (Jackson: "Expected a field name … got AliasEvent").
 */
export function firstRefusedAnchorOrAliasKey(doc: Document): { readonly offset: number; readonly reason: string } | undefined {
  let found: { offset: number; reason: string } | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (!isAlias(pair.key)) return undefined;
      found = { offset: pair.key.range?.[0] ?? 0, reason: `the alias *${pair.key.source} is a mapping key, and Elasticsearch's YAML parser takes no alias as a key ("Expected a field name")` };
      return visit.BREAK;
    },
    Node(_, node) {
      const problem = node.anchor === undefined ? undefined : aliasScanError(node.anchor, "anchor");
      if (problem === undefined) return undefined;
      found = { offset: node.range?.[0] ?? 0, reason: `Elasticsearch's YAML parser refuses the anchor &${node.anchor} (while scanning an anchor: ${problem})` };
      return visit.BREAK;
    },
  });
  return found;
}
