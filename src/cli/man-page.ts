/**
 * The man page `othername.1`, made from the same definitions as `--help`: each section is
 * the help text of one command, as the CLI prints it, set verbatim in roff.
 * `scripts/man-page.mjs` writes man/othername.1 with it; a test checks the shipped page is current.
 */
export interface ManPageInput {
  readonly version: string;
  /** `othername --help`. */
  readonly overview: string;
  /** `[["cert", "<othername cert --help>"], …]` in the order to show. */
  readonly commands: readonly (readonly [string, string])[];
}

/** The commands the page documents, each by the argv that prints its help. */
export const MAN_PAGE_COMMANDS: readonly string[] = [
  "quickstart",
  "inspect",
  "check",
  "match",
  "lint",
  "ca",
  "cert",
  "renew",
  "csr",
  "verify",
  "probe",
  "ece trust show",
  "ece trust add",
  "ece trust remove",
  "ece ca",
  "completion",
];

export function renderManPage(input: ManPageInput): string {
  const lines = [
    `.TH OTHERNAME 1 "" "othername ${input.version}" "User Commands"`,
    ".SH NAME",
    "othername \\- certificates and trust restrictions for Elasticsearch's otherName convention",
    ".SH SYNOPSIS",
    ".B othername",
    "\\fICOMMAND\\fR [\\fIOPTIONS\\fR]",
    ".SH DESCRIPTION",
    ...verbatim(input.overview),
    ".SH COMMANDS",
  ];
  for (const [name, help] of input.commands) lines.push(`.SS "othername ${name}"`, ...verbatim(help));
  lines.push(
    ".SH EXIT STATUS",
    "0 success or \"yes\"; 1 the check answered \"no\"; 2 usage error; 3 bad input; 4 remote error; 70 internal error; 130 interrupted.",
    ".SH SEE ALSO",
    "\\fBelasticsearch-certutil\\fR(1), \\fBopenssl\\fR(1), \\fBkeytool\\fR(1)",
    "",
  );
  return lines.join("\n");
}

/** Help text as a no-fill block: backslashes and leading dots escaped, hyphens as \-. */
function verbatim(text: string): string[] {
  const body = text
    .replace(/\s+$/, "")
    .split("\n")
    .map((line) => line.replace(/\\/g, "\\e").replace(/-/g, "\\-").replace(/^([.'])/, "\\&$1"));
  return [".nf", ...body, ".fi"];
}
