import { readFileSync } from "node:fs";

/** The verbatim ECE API definitions shared by the project (DESIGN.md: ../shared beside the repo). */
export const SPEC_PATH = new URL("../../../shared/ece-trust-openapi.json", import.meta.url);

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
