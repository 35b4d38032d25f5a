import type { DistinguishedName } from "./distinguished-name.js";

/** One validated instance of instances.yaml (certutil's fields plus the convention keys). */
export interface InstanceSpec {
  /** As written: a plain name (subject `CN=<name>`) or a full DN when it contains `=`. */
  readonly name: string;
  readonly subject: DistinguishedName;
  /** Directory and file stem in the bundle (certutil: defaults to the name). */
  readonly filename: string;
  readonly ip: readonly string[];
  readonly dns: readonly string[];
  /** otherName common names: the `cn` list, or the one derived from the convention. */
  readonly cn: readonly string[];
  /** True when `cn` was derived as `<name>.node.<cluster>.cluster.<scope>`. */
  readonly cnDerived: boolean;
  readonly line: number;
}

export interface InstancesSpec {
  readonly instances: readonly InstanceSpec[];
}
