import { isAlias, isNode, visit, type Alias, type Document, type Node as YamlNode } from "yaml";

/**
 * Every alias of a YAML document resolved in one pass. An alias names the latest anchor of
 * that name before it (YAML 1.2 §3.2.2.2), which is what `Alias.resolve` finds too, but that
 * method walks the whole document on each call: 100,000 aliases would cost 10¹⁰ steps.
 * Returns the target of each alias (absent when no such anchor precedes it).
 */
export function resolveAliases(doc: Document): (alias: Alias) => YamlNode | undefined {
  // The linter's rules and the loader walk the same parsed document: resolve it once.
  const known = resolved.get(doc);
  if (known !== undefined) return known;
  const anchors = new Map<string, YamlNode>();
  const targets = new Map<Alias, YamlNode>();
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target !== undefined) targets.set(node, target);
    } else if (isNode(node) && typeof node.anchor === "string") {
      anchors.set(node.anchor, node);
    }
  });
  const lookup = (alias: Alias) => targets.get(alias);
  resolved.set(doc, lookup);
  return lookup;
}

const resolved = new WeakMap<Document, (alias: Alias) => YamlNode | undefined>();

/**
 * Nodes a settings walk may visit after following aliases. An alias to a mapping is walked
 * again under each key that uses it (Elasticsearch flattens each use), so nested aliases could
 * otherwise multiply ("billion laughs"), and an alias inside its own anchor would never end.
 */
export const MAX_SETTINGS_NODES = 200_000;
