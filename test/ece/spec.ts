import { existsSync, readFileSync } from "node:fs";

/**
 * The ECE API definitions (Swagger 2.0 excerpt of the ECE 3.8 spec): a published file, read in
 * place from ../shared beside the repository (CI has it there), never copied into the repository.
 * Without it, the checks that need it skip and say so (SPEC_ABSENT).
 */
export const SPEC_PATH = new URL("../../../shared/ece-trust-openapi.json", import.meta.url);

export const SPEC_ABSENT = "skipped: ../shared/ece-trust-openapi.json is absent (no ../shared beside this checkout)";

export function specAvailable(): boolean {
  return existsSync(SPEC_PATH);
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
