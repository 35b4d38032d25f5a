/** `otherName a, DNS b, IP c`: the subjectAltName entries of a certificate or request, in one line. */
export function sanList(san: { readonly otherNameCommonName: readonly string[]; readonly dns: readonly string[]; readonly ip: readonly string[] }): string {
  const names = [...san.otherNameCommonName.map((n) => `otherName ${n}`), ...san.dns.map((n) => `DNS ${n}`), ...san.ip.map((n) => `IP ${n}`)];
  return names.length > 0 ? names.join(", ") : "no subjectAltName";
}
