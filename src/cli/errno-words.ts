/**
 * Node's errno codes in words, so no message shows a bare `EACCES`. Messages built in src/io
 * usually say it themselves; this is the last pass before a line reaches the user. Network
 * codes (ECONNREFUSED, ...) stay: they are what operators search for.
 */
const WORDS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "a path component is a file, not a directory",
  EISDIR: "it is a directory",
  EEXIST: "it already exists",
  ENOTEMPTY: "the directory is not empty",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EMFILE: "too many open files",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links",
  EBUSY: "the file is busy",
  EXDEV: "cannot move across file systems",
};

const CODE = new RegExp(`\\b(${Object.keys(WORDS).join("|")})\\b`, "g");

/** `cannot write x: EACCES` → `cannot write x: permission denied`; `EACCES: permission denied, open 'x'` → the words once. */
export function errnoInWords(message: string): string {
  return message.replace(new RegExp(`\\b(${Object.keys(WORDS).join("|")}): ${"([a-z ,]+?)"}, `, "g"), (_m, _code: string, words: string) => `${words}: `).replace(CODE, (code: string) => WORDS[code] ?? code);
}
