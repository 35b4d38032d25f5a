import { OthernameError } from "../errors.js";
import { errnoInWords } from "./errno-words.js";

/** The text a user sees for an error: one line, a hint, and the stack only with --debug. */
export function renderError(error: unknown, debug: boolean): string {
  if (error instanceof OthernameError && error.kind !== "internal") {
    let text = `othername: error: ${errnoInWords(error.message)}\n`;
    if (error.hint) text += `  hint: ${error.hint}\n`;
    if (debug && error.stack) text += `${error.stack}\n`;
    return text;
  }
  const message = error instanceof Error ? error.message : String(error);
  let text = `othername: internal error: ${firstLine(message)}\n`;
  text += debug && error instanceof Error && error.stack ? `${error.stack}\n` : "  hint: this is a bug; run again with --debug for the stack and report it.\n";
  return text;
}

function firstLine(text: string): string {
  const newline = text.indexOf("\n");
  return newline === -1 ? text : text.slice(0, newline);
}
