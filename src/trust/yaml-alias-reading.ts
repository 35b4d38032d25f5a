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
 * SnakeYAML's scanner reads an alias name as the characters up to a blank, a line break or one of
 * `: , [ ] { } / . * &`; an empty name, or a name followed by another character than a blank, a
 * line break or one of `? : , ] } % @ \``, is a scanner error ("while scanning an alias"), and the
 * whole file is refused: `- *.node.x` and `- *node1.node.c` are refused, `- *node1` reads "node1".
 */

/** Why SnakeYAML refuses the alias written as `*` + `name`, or undefined when it reads it. */
export function aliasScanError(name: string): string | undefined {
  const cut = name.search(/[:,[\]{}/.*&\s]/);
  const scanned = cut === -1 ? name : name.slice(0, cut);
  if (scanned.length === 0) return `no alias name after '*' (found '${name.charAt(0) || "end of line"}')`;
  if (cut !== -1 && !/[\s?:,\]}%@`]/.test(name.charAt(cut))) return `the alias name '${scanned}' is followed by '${name.charAt(cut)}'`;
  return undefined;
}

/** The string Elasticsearch reads for the alias `*` + `name` (when the scanner takes it): the name itself. */
export function aliasReading(name: string): string {
  const cut = name.search(/[:,[\]{}/.*&\s]/);
  return cut === -1 ? name : name.slice(0, cut);
}
