/** Every flag of `othername rotate plan|check` (one yargs command with an action positional). */
export interface RotateArgs {
  readonly action: "plan" | "check";
  readonly plan?: string;
  readonly "old-ca"?: string;
  readonly "new-ca"?: string;
  readonly "new-ca-cert"?: string;
  readonly "new-ca-key"?: string;
  readonly "ca-pass-file"?: string;
  readonly "ca-pass-env"?: string;
  readonly "ca-dn"?: string;
  readonly "ca-days": number;
  readonly key?: string;
  readonly keysize?: number;
  readonly bundle?: readonly string[];
  readonly "extra-ca"?: readonly string[];
  readonly restrictions?: string;
  readonly fields?: string;
  readonly cluster?: string;
  readonly "ece-deployment"?: readonly string[];
  readonly days: number;
  readonly out?: string;
  readonly force?: boolean;
  readonly "pass-file"?: string;
  readonly "pass-env"?: string;
  readonly password?: boolean;
  readonly at?: string;
  readonly "apply-ece"?: number;
  readonly "dry-run"?: boolean;
  readonly yes?: boolean;
  readonly url?: string;
  readonly user?: string;
  readonly "api-ca"?: string;
  readonly insecure?: boolean;
  readonly timeout?: string;
  readonly json: boolean;
}
