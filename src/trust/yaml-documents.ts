import { parseAllDocuments, type Document } from "yaml";
import { assertYamlWithinBound } from "./yaml-node-bound.js";

/**
 * A trust_restrictions (or instances) file parsed once, with the options every reader here
 * uses: the loader, `isInstancesFile` and the linter's rules all walk the same documents, so a
 * large file (100,000 aliases) is parsed a single time per lint.
 * An empty file, or one holding only comments, has no document.
 */
export type YamlDocuments = readonly Document.Parsed[];

/**
 * Parses every YAML document of a text (JSON is YAML), keeping duplicate keys as errors as
 * Elasticsearch's parser does.
 *
 * @param text - The file's text.
 * @returns The documents in order (none for an empty file).
 * @throws OthernameError `YAML_TOO_LARGE` when the text holds more than MAX_YAML_NODES nodes (counted before parsing).
 * @example
 * ```ts
 * const documents = parseYamlDocuments("trust.subject_name: []\n");
 * documents[0]?.errors.length; // 0
 * ```
 */
export function parseYamlDocuments(text: string): YamlDocuments {
  assertYamlWithinBound(text);
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  return Array.isArray(docs) ? docs : [];
}
