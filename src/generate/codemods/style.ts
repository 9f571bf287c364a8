import { ts } from 'ts-morph';

/** The code style of a file, detected so inserted code looks like the surrounding code. */
export interface CodeStyle {
  quote: "'" | '"';
  semicolons: boolean;
  eol: '\n' | '\r\n';
}

/**
 * Detects quote kind (from import/require specifiers, then any string literal) and whether
 * statements end with semicolons (majority of top-level statements). Defaults: single quotes,
 * semicolons.
 */
export function detectStyle(text: string, fileName = 'file.ts'): CodeStyle {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
  let single = 0;
  let double = 0;
  let weightedSingle = 0;
  let weightedDouble = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node)) {
      const raw = text.charAt(node.getStart(sf));
      const isSpecifier =
        ts.isImportDeclaration(node.parent) ||
        ts.isExportDeclaration(node.parent) ||
        (ts.isCallExpression(node.parent) &&
          ts.isIdentifier(node.parent.expression) &&
          node.parent.expression.text === 'require');
      if (raw === "'") {
        single += 1;
        if (isSpecifier) weightedSingle += 1;
      } else if (raw === '"') {
        double += 1;
        if (isSpecifier) weightedDouble += 1;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const quote =
    weightedSingle + weightedDouble > 0
      ? weightedDouble > weightedSingle
        ? '"'
        : "'"
      : double > single
        ? '"'
        : "'";

  let withSemi = 0;
  let withoutSemi = 0;
  for (const stmt of sf.statements) {
    if (
      ts.isImportDeclaration(stmt) ||
      ts.isExpressionStatement(stmt) ||
      ts.isVariableStatement(stmt) ||
      ts.isExportAssignment(stmt) ||
      ts.isReturnStatement(stmt)
    ) {
      if (text.slice(stmt.getStart(sf), stmt.getEnd()).trimEnd().endsWith(';')) withSemi += 1;
      else withoutSemi += 1;
    }
  }
  return { quote, semicolons: withSemi >= withoutSemi, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

/** Quotes a string with the file's quote kind. */
export function quoteString(value: string, quote: "'" | '"'): string {
  const escaped = value.replace(/\\/g, '\\\\').split(quote).join(`\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

/** Script kind from a file name (.ts/.tsx/.mts/.cts or JS). */
export function scriptKindOf(fileName: string): ts.ScriptKind {
  if (/\.tsx$/.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/.test(fileName)) return ts.ScriptKind.TS;
  if (/\.jsx$/.test(fileName)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

/**
 * Rewrites the string literals of a code snippet (written by pow with single quotes) to the file's
 * quote kind. Only literal tokens change; everything else is kept as written.
 */
export function restyleSnippet(code: string, quote: "'" | '"'): string {
  const sf = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node)) {
      const start = node.getStart(sf);
      if (code.charAt(start) !== quote)
        edits.push({ start, end: node.getEnd(), text: quoteString(node.text, quote) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  let out = code;
  for (const e of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Compares two code fragments ignoring whitespace and quote kind (structural enough for `app.use(...)` arguments). */
export function sameCode(a: string, b: string): boolean {
  const norm = (s: string) =>
    restyleSnippet(s, "'")
      .replace(/\s+/g, '')
      .replace(/;$/, '')
      .replace(/,([)\]}])/g, '$1');
  return norm(a) === norm(b);
}
