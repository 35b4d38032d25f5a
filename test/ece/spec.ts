import { existsSync, readFileSync } from "node:fs";

/**
 * The verbatim ECE API definitions (Swagger 2.0 excerpt of the ECE 3.8 spec), kept in the repo
 * so a fresh clone tests on its own. The project's source of truth is the copy in ../shared
 * beside the repo; model.test.ts fails when the two differ.
 */
export const SPEC_PATH = new URL("./ece-trust-openapi.json", import.meta.url);
export const SHARED_SPEC_PATH = new URL("../../../shared/ece-trust-openapi.json", import.meta.url);

/** The shared copy, when this checkout has ../shared beside it. */
export function sharedSpecText(): string | undefined {
  return existsSync(SHARED_SPEC_PATH) ? readFileSync(SHARED_SPEC_PATH, "utf8") : undefined;
}

export interface SpecDefinition {
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, { readonly enum?: readonly string[] }>>;
}

export interface EceSpec {
  readonly definitions: Readonly<Record<string, SpecDefinition>>;
  readonly [key: string]: unknown;
}

export function loadSpec(): EceSpec {
  return JSON.parse(readFileSync(SPEC_PATH, "utf8")) as EceSpec;
}
