import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Documentation reaches the editor: every function and class that `othername` exports carries, on
 * its declaration in dist/*.d.ts (what a TypeScript user's editor shows on hover), a summary, an
 * `@param` for each parameter, `@returns` unless it returns nothing, and an `@example`.
 * Checked on the built declarations (`npm test` builds first), through the compiler's own reading.
 */
const repo = resolve(import.meta.dirname, "../..");
const entry = join(repo, "dist", "index.d.ts");

interface Problem {
  readonly name: string;
  readonly problem: string;
}

function documentationProblems(): { exported: string[]; problems: Problem[] } {
  const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`cannot read ${entry}`);
  const module = checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`${entry} is not a module`);
  const exported: string[] = [];
  const problems: Problem[] = [];
  for (const symbol of checker.getExportsOfModule(module)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const declarations = target.getDeclarations() ?? [];
    const callable = declarations.filter((d): d is ts.FunctionDeclaration | ts.ClassDeclaration => ts.isFunctionDeclaration(d) || ts.isClassDeclaration(d));
    if (callable.length === 0) continue;
    const name = symbol.getName();
    exported.push(name);
    // Overloads: the first declaration carries the documentation, as TypeScript shows it.
    const declaration = callable[0]!;
    const file = declaration.getSourceFile().fileName;
    if (!file.startsWith(join(repo, "dist"))) continue;
    const summary = ts.displayPartsToString(target.getDocumentationComment(checker)).trim();
    if (summary.length === 0) problems.push({ name, problem: "no summary" });
    const tags = ts.getJSDocTags(declaration);
    if (!tags.some((tag) => tag.tagName.text === "example")) problems.push({ name, problem: "no @example" });
    if (ts.isFunctionDeclaration(declaration)) {
      const documented = new Set(tags.filter(ts.isJSDocParameterTag).map((tag) => tag.name.getText()));
      for (const parameter of declaration.parameters) {
        const parameterName = parameter.name.getText();
        // Destructured parameters are documented by their type's own comments.
        if (ts.isIdentifier(parameter.name) && !documented.has(parameterName)) problems.push({ name, problem: `no @param ${parameterName}` });
      }
      const returns = declaration.type?.getText() ?? "";
      if (returns !== "void" && returns !== "Promise<void>" && !tags.some((tag) => tag.tagName.text === "returns")) {
        problems.push({ name, problem: "no @returns" });
      }
    }
  }
  return { exported, problems };
}

describe("declarations of the public API", () => {
  it.skipIf(!existsSync(entry))("carry a summary, @param, @returns and @example on every exported function and class", () => {
    const { exported, problems } = documentationProblems();
    expect(exported.length).toBeGreaterThan(40);
    expect(exported).toContain("readCryptoFile");
    expect(problems.map((p) => `${p.name}: ${p.problem}`)).toEqual([]);
  });
});
