import type { SourceFile } from 'ts-morph';
import {
  argsText,
  classifyStatement,
  findExpressApp,
  insertLineAfter,
  insertLineBefore,
  topLevelAppCalls,
} from './express-app.js';
import type { Codemod, PatchResult } from './project.js';
import { detectStyle, restyleSnippet, sameCode } from './style.js';

export interface EnsureErrorHandlerOptions {
  /** Arguments as code, e.g. `pow.errorHandler()`. */
  args: string;
  app?: string | null;
}

function isTerminal(kind: string, stmtText: string, app: string): boolean {
  if (kind === 'error-handler') return true;
  return (
    kind === 'stop' &&
    (new RegExp(`\\b${app}\\.listen\\b`).test(stmtText) || /^\s*(export\b|module\.exports\b)/.test(stmtText))
  );
}

/**
 * Ensures `app.use(<args>)` for an error handler: after the app's routes, before the app's own
 * error handlers (so pow's errors are handled first), `listen` and exports. Appended at the end of
 * the file when none of those exist. Idempotent like ensureAppUse.
 */
export function ensureErrorHandler(opts: EnsureErrorHandlerOptions): Codemod {
  return (file: SourceFile): PatchResult => {
    const sf = file.compilerNode;
    const style = detectStyle(sf.text, sf.fileName);
    const semi = style.semicolons ? ';' : '';
    const anchor = findExpressApp(sf, opts.app);
    const appName = anchor?.name ?? opts.app ?? 'app';
    const line = `${appName}.use(${restyleSnippet(opts.args, style.quote)})${semi}`;
    if (!anchor) {
      return {
        status: 'not-applicable',
        why: `no top-level \`const ${appName} = express()\` found in ${sf.fileName.replace(/^\/project\//, '')}`,
        snippet: `${line}  // after your routes, before app.listen`,
      };
    }
    if (topLevelAppCalls(sf, anchor.name, 'use').some((call) => sameCode(argsText(sf, call), opts.args))) {
      return { status: 'already-present' };
    }
    for (const stmt of sf.statements.slice(anchor.index + 1)) {
      const kind = classifyStatement(stmt, anchor.name);
      if (isTerminal(kind, sf.text.slice(stmt.getStart(sf), stmt.getEnd()), anchor.name)) {
        insertLineBefore(file, stmt, line);
        return { status: 'applied' };
      }
    }
    const last = sf.statements[sf.statements.length - 1] ?? anchor.statement;
    insertLineAfter(file, last, line);
    return { status: 'applied' };
  };
}
