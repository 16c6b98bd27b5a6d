/**
 * Every SQL statement the server's source holds, read with the TypeScript compiler (no
 * type checker: parsing is fast, and the two shapes below are plain to see):
 * - tagged templates on a `SqlClient` (core/db/types.ts): `db.rows\`…\`` and `db.run\`…\``,
 *   whose `${…}` become `$1`, `$2`, … as pg-transaction.ts binds them;
 * - text handed to node-postgres's `.query(…)`, directly or as `{ text }`: a string, or a
 *   template or constant this file can work out from the source (a `const` of the file,
 *   or one it imports).
 * A `.query(…)` whose text cannot be worked out is reported as such, so a new one cannot
 * slip by unchecked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface SqlStatement {
  /** `path:line`, relative to the repository. */
  where: string;
  text: string;
}

export interface UnreadStatement {
  where: string;
  /** The source of the expression whose SQL could not be worked out. */
  expression: string;
}

/** Top-level directories that are not the server's source. */
const NOT_SOURCE = new Set(['test', 'bench', 'generated', 'node_modules', 'dist']);

/** The `SqlClient` methods (core/db/types.ts). */
const SQL_TAGS = new Set(['rows', 'run']);

export function findSqlStatements(root: string): { statements: SqlStatement[]; unread: UnreadStatement[] } {
  const statements: SqlStatement[] = [];
  const unread: UnreadStatement[] = [];
  const files = new SourceFiles();
  for (const path of sourceFiles(root)) {
    const file = files.get(path);
    const where = (node: ts.Node) => `${relative(root, path)}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isTaggedTemplateExpression(node) && ts.isPropertyAccessExpression(node.tag) && SQL_TAGS.has(node.tag.name.text)) {
        statements.push({ where: where(node), text: boundText(node.template) });
      } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'query' && node.arguments[0]) {
        const argument = queryText(node.arguments[0]);
        const text = files.evaluate(argument, file);
        if (text === undefined) unread.push({ where: where(node), expression: argument.getText(file) });
        else statements.push({ where: where(node), text });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return { statements, unread };
}

/** `.ts` files under the top-level source directories. */
function sourceFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(path);
    }
  };
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.name.startsWith('.') && !NOT_SOURCE.has(entry.name)) walk(join(root, entry.name));
  }
  return found.sort();
}

/** A tagged template's text as pg-transaction.ts sends it: the cooked strings joined by `$1`, `$2`, … */
function boundText(template: ts.TemplateLiteral): string {
  if (ts.isNoSubstitutionTemplateLiteral(template)) return template.text;
  return template.templateSpans.reduce((text, span, i) => `${text}$${i + 1}${span.literal.text}`, template.head.text);
}

/** `.query(text, …)` or `.query({ text, … })`. */
function queryText(argument: ts.Expression): ts.Expression {
  if (!ts.isObjectLiteralExpression(argument)) return argument;
  const text = argument.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'text');
  if (text && ts.isPropertyAssignment(text)) return text.initializer;
  return argument;
}

/** Parsed files, and constant strings worked out from them. */
class SourceFiles {
  readonly #files = new Map<string, ts.SourceFile>();

  get(path: string): ts.SourceFile {
    let file = this.#files.get(path);
    if (!file) {
      file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
      this.#files.set(path, file);
    }
    return file;
  }

  /** The string an expression always has, or undefined when the source does not say. */
  evaluate(node: ts.Expression, file: ts.SourceFile): string | undefined {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isNumericLiteral(node)) return node.text;
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return this.evaluate(node.expression, file);
    if (ts.isTemplateExpression(node)) {
      let text = node.head.text;
      for (const span of node.templateSpans) {
        const value = this.evaluate(span.expression, file);
        if (value === undefined) return undefined;
        text += value + span.literal.text;
      }
      return text;
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = this.evaluate(node.left, file);
      const right = this.evaluate(node.right, file);
      return left === undefined || right === undefined ? undefined : left + right;
    }
    if (ts.isIdentifier(node)) return this.constant(node.text, file);
    return undefined;
  }

  /** A top-level `const name = …` of the file, or one it imports by name from a relative path. */
  constant(name: string, file: ts.SourceFile): string | undefined {
    for (const statement of file.statements) {
      if (ts.isVariableStatement(statement) && statement.declarationList.flags & ts.NodeFlags.Const) {
        const declaration = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === name);
        if (declaration?.initializer) return this.evaluate(declaration.initializer, file);
      }
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text.startsWith('.')) {
        const bindings = statement.importClause?.namedBindings;
        const specifier = bindings && ts.isNamedImports(bindings) ? bindings.elements.find((e) => e.name.text === name) : undefined;
        if (specifier) {
          const from = this.get(resolve(dirname(file.fileName), statement.moduleSpecifier.text));
          return this.constant((specifier.propertyName ?? specifier.name).text, from);
        }
      }
    }
    return undefined;
  }
}
