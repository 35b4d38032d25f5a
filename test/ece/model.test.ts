import { describe, expect, it } from "vitest";
import { DIRECT_TRUST_TYPES, MODEL_FIELDS } from "../../src/ece/model.js";
import { SPEC_ABSENT, loadSpec, specAvailable, type EceSpec } from "./spec.js";

// The spec is read in place from ../shared; without it these checks skip, and say so.
const available = specAvailable();
if (!available) console.warn(`test/ece/model.test.ts: ${SPEC_ABSENT}`);
const spec: EceSpec = available ? loadSpec() : { definitions: {} };

describe.skipIf(!available)("ECE model types match the spec's definitions", () => {
  for (const entry of MODEL_FIELDS) {
    it(`${entry.definition}: required and optional fields`, () => {
      const definition = spec.definitions[entry.definition];
      expect(definition, `definition ${entry.definition} in the spec`).toBeDefined();
      const specProperties = Object.keys(definition?.properties ?? {}).sort();
      const specRequired = [...(definition?.required ?? [])].sort();
      const ours = Object.entries(entry.fields as Record<string, string>);
      const ourRequired = ours.filter(([, kind]) => kind === "required").map(([name]) => name).sort();
      const ourProperties = ours.map(([name]) => name).sort();

      if (entry.complete) {
        expect(ourProperties).toEqual(specProperties);
        expect(ourRequired).toEqual(specRequired);
      } else {
        // A subset: every field we type exists in the spec with the same optionality.
        for (const name of ourProperties) expect(specProperties).toContain(name);
        expect(ourRequired).toEqual(specRequired.filter((name) => ourProperties.includes(name)));
      }
    });
  }

  it("DirectTrustRelationship.type has the spec's enum values", () => {
    const values = spec.definitions["DirectTrustRelationship"]?.properties?.["type"]?.enum;
    expect([...DIRECT_TRUST_TYPES].sort()).toEqual([...(values ?? [])].sort());
  });
});
