import { SUBJECT_NAME_KEY } from "../restrictions.js";

/**
 * Keys that look like `trust.subject_name` but are not it: Elasticsearch reads only that exact
 * settings key (`RestrictedTrustConfig`), ignores every other one, and then rejects every peer.
 * A key is a likely misspelling when, compared without case, separators and a plural `s`, it is
 * `trust.subject_name` or `subject_name` (e.g. `trust.subjectName`, `trust.subject-names`,
 * `trust_subject_name`), or when it is within two edits of the real key (`trust.subjet_name`).
 */
export function misspelledSubjectNameKey(key: string): boolean {
  if (key === SUBJECT_NAME_KEY) return false;
  const folded = key.toLowerCase().replace(/[^a-z]/g, "").replace(/s$/, "");
  if (folded === "trustsubjectname" || folded === "subjectname") return true;
  return editDistanceAtMost(key.toLowerCase(), SUBJECT_NAME_KEY, 2);
}

/** Levenshtein distance between `a` and `b` is at most `limit` (rows cut off early past it). */
function editDistanceAtMost(a: string, b: string, limit: number): boolean {
  if (Math.abs(a.length - b.length) > limit) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      row.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return false;
    previous = row;
  }
  return (previous[b.length] as number) <= limit;
}
